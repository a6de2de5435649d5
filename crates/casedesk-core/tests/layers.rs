//! The core's floors (ARCHITECTURE.md, "Floors"): every top-level module sits on one floor, imports
//! only from its own floor or below, and no two modules import each other, directly or round a ring.
//! The floors are read from ARCHITECTURE.md itself, so the document and the code cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `N. **Name**: `a`, `b` — why` lines of the "## Floors" section, ground first.
fn floors() -> Vec<(String, Vec<String>)> {
    let arch = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = arch
        .split("\n## Floors\n")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Floors\" section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut out = Vec::new();
    for line in section.lines() {
        let Some((n, rest)) = line.split_once(". **") else {
            continue;
        };
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let (name, rest) = rest.split_once("**").expect("a floor's name is in bold");
        let modules = rest.split(" — ").next().unwrap();
        let modules: Vec<String> = modules
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        assert!(!modules.is_empty(), "floor {name} names no module");
        out.push((name.to_owned(), modules));
    }
    out
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a file's code names through `crate::` (comments are not code).
fn named_modules(src: &str) -> BTreeSet<String> {
    // What lib.rs re-exports, by the module it comes from.
    let alias = |s: &str| -> String {
        match s {
            "Code" | "Error" | "ErrorPayload" | "Result" => "error".into(),
            "Store" => "store".into(),
            "Clock" | "FixedClock" | "SystemClock" => "clock".into(),
            other => other.into(),
        }
    };
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let code: String = src
        .lines()
        .map(|l| l.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::{c, d}, e}`: the first name of each item at the top of the braces.
            let mut depth = 0usize;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[j..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.insert(alias(&ident(&group[j..])));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(alias(&name));
            }
        }
    }
    out
}

/// Top-level module → the top-level modules it names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("crates/casedesk-core/src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(named_modules(&text).into_iter().filter(|m| *m != top));
    }
    graph
}

#[test]
fn the_parser_reads_plain_grouped_and_nested_imports_and_skips_comments() {
    let got = named_modules(
        "use crate::store::Store;\nuse crate::{error::Result, filer::{A, B}, Code};\n\
         // crate::follow is only mentioned\n/// see [`crate::source`]\nlet x = crate::text::shown(y);",
    );
    let want: BTreeSet<String> = ["store", "error", "filer", "text"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(got, want);
}

#[test]
fn every_core_module_sits_on_one_floor_and_imports_only_down() {
    let floors = floors();
    assert!(floors.len() >= 4, "ARCHITECTURE.md lists the floors");
    let mut floor_of = BTreeMap::new();
    for (i, (name, modules)) in floors.iter().enumerate() {
        for m in modules {
            assert!(
                floor_of.insert(m.clone(), (i, name.clone())).is_none(),
                "`{m}` is on two floors"
            );
        }
    }
    let graph = imports();
    let mut problems = Vec::new();
    for (module, names) in &graph {
        let Some((here, here_name)) = floor_of.get(module) else {
            problems.push(format!("`{module}` is on no floor in ARCHITECTURE.md"));
            continue;
        };
        for n in names {
            match floor_of.get(n) {
                Some((there, there_name)) if there > here => problems.push(format!(
                    "`{module}` ({here_name}) imports `{n}`, a floor up ({there_name})"
                )),
                Some(_) => {}
                None if graph.contains_key(n) => {
                    problems.push(format!("`{n}` is on no floor in ARCHITECTURE.md"))
                }
                None => {}
            }
        }
    }
    for m in floor_of.keys() {
        if !graph.contains_key(m) {
            problems.push(format!(
                "ARCHITECTURE.md puts `{m}` on a floor, but no such module"
            ));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_two_core_modules_import_each_other() {
    let graph = imports();
    // Depth-first search for a back edge; the first ring found is printed whole.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut ring = path[i..].to_vec();
            ring.push(m.to_owned());
            return Some(ring);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_owned());
        for n in graph.get(m).into_iter().flatten() {
            if graph.contains_key(n) {
                if let Some(ring) = visit(n, graph, path, done) {
                    return Some(ring);
                }
            }
        }
        path.pop();
        done.insert(m.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(ring) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!(
                "the core's modules import round a ring: {}",
                ring.join(" → ")
            );
        }
    }
}
