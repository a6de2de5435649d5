//! Subject rules: generic subjects, greetings, too short or all capitals, no object named; and how
//! alike two subjects are (the duplicate warning).

use super::Finding;

/// CJ's own good subject examples; they must always lint clean.
pub const GOOD_SUBJECT_EXAMPLES: [&str; 3] = [
    "API authentication error on campaign creation",
    "Conversion tag not firing on checkout confirmation page",
    "Commission report showing incorrect order values",
];

/// Whole subjects that say nothing about the problem: CJ's bad examples and their family.
const GENERIC_SUBJECTS: &[&str] = &[
    "help needed",
    "need help",
    "help",
    "help me",
    "help please",
    "please help",
    "issue with cj",
    "problem with cj",
    "cj issue",
    "cj problem",
    "question about cj",
    "problem",
    "problems",
    "question",
    "questions",
    "urgent",
    "very urgent",
    "not working",
    "doesn't work",
    "does not work",
    "broken",
    "issue",
    "issues",
    "an issue",
    "support",
    "support request",
    "support needed",
    "need support",
    "request",
    "error",
    "bug",
    "quick question",
    "important",
    "asap",
    "urgent help",
    "urgent issue",
    "help needed asap",
];

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "hiya",
];

/// Words that carry no meaning in a subject, for counting meaningful words.
const FILLER: &[&str] = &[
    "a", "an", "the", "with", "on", "in", "at", "of", "for", "to", "and", "or", "my", "our",
    "your", "is", "are", "was", "it", "this", "that", "please", "pls", "need", "needed", "help",
    "urgent", "asap", "i", "we", "me", "us", "cj", "hi", "hello", "hey", "some", "any", "have",
    "has", "got", "get", "very",
];

/// Concrete things a specific subject names (matched on word stems).
const OBJECTS: &[&str] = &[
    "report",
    "tag",
    "api",
    "payment",
    "page",
    "feature",
    "commission",
    "conversion",
    "campaign",
    "pixel",
    "link",
    "invoice",
    "account",
    "login",
    "password",
    "order",
    "transaction",
    "feed",
    "program",
    "partner",
    "publisher",
    "advertiser",
    "banner",
    "creative",
    "deeplink",
    "tracking",
    "click",
    "sale",
    "lead",
    "checkout",
    "dashboard",
    "export",
    "import",
    "data",
    "transfer",
    "token",
    "key",
    "endpoint",
    "webhook",
    "user",
    "permission",
    "email",
    "domain",
    "site",
    "website",
    "coupon",
    "voucher",
    "product",
    "catalog",
    "catalogue",
    "integration",
    "sdk",
    "plugin",
    "postback",
    "network",
    "bonus",
    "correction",
    "extension",
    "balance",
    "deposit",
    "bank",
    "tax",
    "contract",
    "term",
    "offer",
    "promotion",
    "cookie",
    "redirect",
    "url",
    "browser",
    "app",
    "mobile",
    "graphql",
    "rest",
    "query",
    "column",
    "field",
    "value",
    "file",
];

fn words(s: &str) -> Vec<String> {
    // A typographic apostrophe (don’t) is the same word as a straight one (don't).
    s.replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn normalised(s: &str) -> String {
    words(s).join(" ")
}

fn stem_matches(word: &str, object: &str) -> bool {
    word == object || (word.starts_with(object) && word.len() <= object.len() + 3)
}

/// Findings about a subject. An empty subject has none (the required-field check speaks for it).
pub fn subject_findings(subject: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let trimmed = subject.trim();
    if trimmed.is_empty() {
        return out;
    }
    let norm = normalised(trimmed);
    let ws = words(trimmed);
    let add = |out: &mut Vec<Finding>, code, message: &str| {
        out.push(Finding {
            code,
            message: message.to_owned(),
        })
    };

    if GENERIC_SUBJECTS.contains(&norm.as_str()) {
        add(&mut out, "generic", "This subject is generic, like CJ's “Help needed” or “Issue with CJ”: it slows routing to the right team. Name what is wrong and where.");
    }
    let lower = trimmed.to_lowercase();
    if GREETINGS.iter().any(|g| {
        lower == *g
            || lower
                .strip_prefix(g)
                .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
    }) {
        add(
            &mut out,
            "greeting",
            "Leave the greeting for the description; the subject should name the problem.",
        );
    }
    let letters: Vec<char> = trimmed.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 6 && letters.iter().all(|c| c.is_uppercase()) {
        add(
            &mut out,
            "all-caps",
            "All capitals read as shouting and do not speed things up; use normal case.",
        );
    }
    if trimmed.contains("!!") || trimmed.contains("?!") || trimmed.contains("!?") {
        add(
            &mut out,
            "exclamations",
            "Runs of “!!!” do not raise priority; describe the impact instead.",
        );
    }
    let meaningful = ws.iter().filter(|w| !FILLER.contains(&w.as_str())).count();
    if meaningful < 3 {
        add(
            &mut out,
            "too-few-words",
            "Use at least three meaningful words: what is wrong, with what, where.",
        );
    }
    let has_object = ws
        .iter()
        .any(|w| OBJECTS.iter().any(|o| stem_matches(w, o)));
    if !has_object {
        add(
            &mut out,
            "no-object",
            "Name the concrete thing affected: a report, tag, API, payment, page or feature.",
        );
    }
    out
}

/// Words of a subject that matter for "is this the same problem?" (for the duplicate warning).
pub fn subject_terms(subject: &str) -> Vec<String> {
    let mut ws: Vec<String> = words(subject)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()) && w.chars().count() >= 2)
        .map(|w| w.replace('\'', ""))
        .collect();
    ws.sort();
    ws.dedup();
    ws
}

/// How alike two subjects are, 0.0 to 1.0 (Jaccard over [`subject_terms`]).
pub fn subject_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (subject_terms(a), subject_terms(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|w| b.contains(w)).count() as f64;
    common / (a.len() as f64 + b.len() as f64 - common)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> Vec<&'static str> {
        subject_findings(s).iter().map(|f| f.code).collect()
    }

    #[test]
    fn cj_good_examples_lint_clean() {
        for s in GOOD_SUBJECT_EXAMPLES {
            assert_eq!(
                codes(s),
                Vec::<&str>::new(),
                "CJ's own good example {s:?} must pass clean"
            );
        }
    }

    #[test]
    fn subject_rules_as_a_table() {
        let cases: &[(&str, &[&str])] = &[
            ("Help needed", &["generic", "too-few-words", "no-object"]),
            ("Issue with CJ", &["generic", "too-few-words", "no-object"]),
            ("problem", &["generic", "too-few-words", "no-object"]),
            ("Question", &["generic", "too-few-words", "no-object"]),
            (
                "URGENT",
                &["generic", "all-caps", "too-few-words", "no-object"],
            ),
            ("not working", &["generic", "too-few-words", "no-object"]),
            ("support", &["generic", "too-few-words", "no-object"]),
            ("Hi, commission report shows wrong totals", &["greeting"]),
            ("Hello team", &["greeting", "too-few-words", "no-object"]),
            ("COMMISSION REPORT SHOWS WRONG TOTALS", &["all-caps"]),
            ("Commission report shows wrong totals!!!", &["exclamations"]),
            ("Payment missing", &["too-few-words"]),
            ("Something weird keeps happening everywhere", &["no-object"]),
            ("Conversion tag not firing after deploy", &[]),
            ("Payments for October not received in bank", &[]),
            ("Highlight in the report column is off", &[]),
            ("", &[]),
        ];
        for (s, want) in cases {
            assert_eq!(codes(s), *want, "subject {s:?}");
        }
    }

    #[test]
    fn greeting_is_a_whole_word() {
        assert!(
            !codes("History report totals are wrong").contains(&"greeting"),
            "'Hi' inside 'History' is no greeting"
        );
    }

    #[test]
    fn similar_subjects_score_high_and_different_ones_low() {
        assert!(
            subject_similarity(
                "Commission report showing wrong values",
                "Commission report shows wrong values"
            ) >= 0.5
        );
        assert!(subject_similarity("Commission report wrong", "Conversion tag not firing") < 0.2);
        assert_eq!(subject_similarity("", "x y z"), 0.0);
    }
}
