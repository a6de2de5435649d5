//! The Case Reason suggested from what the user writes: offline, no network model. A small
//! term-weighting classifier over the user's **current** catalogue, trained on each reason's and sub
//! reason's name and keywords (Settings → Case reasons) and on the user's own past drafts with the
//! reasons they chose (their subjects, and the start of their descriptions). The model is rebuilt when
//! the catalogue or another draft changes, not while one draft is typed.
//!
//! Scoring: each term of the draft (lowercased words, lightly stemmed, common words dropped) adds its
//! weight in a class times its rarity across classes (idf). A reason scores its own terms plus its best
//! sub reason's; the sub reason is the best within the chosen reason. A suggestion needs some evidence
//! (a minimum score); it never changes a reason the user picked (the editor shows it only while the
//! reason, or the chosen reason's sub reason, is empty).

use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::cj_account::{CjKind, CjKinds};
use crate::draft::DraftInput;
use crate::error::Result;
use crate::store::{Example, Reason, Store};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub reason_id: i64,
    pub reason: String,
    pub sub_reason_id: Option<i64>,
    pub sub_reason: Option<String>,
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "our", "you", "your", "this", "that", "are", "was", "were", "has",
    "have", "had", "but", "not", "from", "into", "its", "it's", "can", "could", "would", "should",
    "will", "all", "any", "since", "when", "what", "which", "who", "why", "how", "there", "here",
    "they", "them", "their", "then", "than", "also", "just", "some", "been", "being", "about",
    "after", "before", "again", "please", "hello", "thanks", "thank", "regards", "team", "cj",
    "is", "in", "on", "of", "to", "we", "my", "me", "an", "a", "i", "it", "be", "at", "as", "or",
    "by", "do", "does", "did", "so", "if", "no", "us", "am", "one", "get", "got", "see", "seen",
    "still",
];

/// A word as the classifier sees it: lowercase, with a plural or a common suffix taken off.
fn stem(w: &str) -> String {
    let mut w = w.to_owned();
    for (suffix, min) in [("ing", 6), ("ed", 5), ("es", 5), ("s", 4)] {
        if w.len() >= min && w.ends_with(suffix) && !w.ends_with("ss") {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    w
}

/// The terms of a text: words of two or more letters or digits, stop words dropped, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .flat_map(|w| w.split('-').chain(w.contains('-').then_some(w)))
        .map(|w| w.trim_matches('-').to_lowercase())
        .filter(|w| w.chars().count() >= 2 && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// One class: a reason (its own terms) or a sub reason.
#[derive(Debug, Default)]
struct Class {
    weights: HashMap<String, f64>,
}

impl Class {
    fn add(&mut self, text: &str, weight: f64) {
        for t in terms(text) {
            *self.weights.entry(t).or_default() += weight;
        }
    }

    /// Each distinct term once, however often it occurs (a past draft's description).
    fn add_once(&mut self, text: &str, weight: f64) {
        let mut seen: Vec<String> = terms(text);
        seen.sort();
        seen.dedup();
        for t in seen {
            *self.weights.entry(t).or_default() += weight;
        }
    }
}

/// A sub reason's class.
struct SubClass {
    id: i64,
    name: String,
    class: Class,
}

/// A reason's own class and its sub reasons'.
struct ReasonClass {
    id: i64,
    name: String,
    own: Class,
    subs: Vec<SubClass>,
}

struct Model {
    reasons: Vec<ReasonClass>,
    idf: HashMap<String, f64>,
}

const NAME_WEIGHT: f64 = 3.0;
const KEYWORD_WEIGHT: f64 = 2.0;
const PAST_SUBJECT_WEIGHT: f64 = 1.0;
const PAST_DESCRIPTION_WEIGHT: f64 = 0.3;
/// Past drafts read: the most recent with a reason.
const PAST_DRAFTS: i64 = 500;
const PAST_DESCRIPTION_CHARS: i64 = 2000;
/// Below this, no suggestion: the text says too little.
const MIN_SCORE: f64 = 1.5;

fn keywords(list: &str) -> String {
    list.replace([',', ';'], " ")
}

fn named(name: &str, keyword_list: &str) -> Class {
    let mut c = Class::default();
    c.add(name, NAME_WEIGHT);
    c.add(&keywords(keyword_list), KEYWORD_WEIGHT);
    c
}

impl Model {
    fn build(catalogue: &[Reason], past: &[Example]) -> Model {
        let mut reasons: Vec<ReasonClass> = catalogue
            .iter()
            .map(|r| ReasonClass {
                id: r.id,
                name: r.name.clone(),
                own: named(&r.name, &r.keywords),
                subs: r
                    .sub_reasons
                    .iter()
                    .map(|s| SubClass {
                        id: s.id,
                        name: s.name.clone(),
                        class: named(&s.name, &s.keywords),
                    })
                    .collect(),
            })
            .collect();
        for (reason_id, sub_id, subject, description) in past {
            let Some(r) = reasons.iter_mut().find(|r| r.id == *reason_id) else {
                continue;
            };
            let class = match sub_id.and_then(|s| r.subs.iter_mut().find(|x| x.id == s)) {
                Some(sub) => &mut sub.class,
                None => &mut r.own,
            };
            class.add_once(subject, PAST_SUBJECT_WEIGHT);
            class.add_once(description, PAST_DESCRIPTION_WEIGHT);
        }
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut n = 0usize;
        for r in &reasons {
            for c in std::iter::once(&r.own).chain(r.subs.iter().map(|s| &s.class)) {
                n += 1;
                for t in c.weights.keys() {
                    *df.entry(t.clone()).or_default() += 1;
                }
            }
        }
        let idf = df
            .into_iter()
            .map(|(t, d)| (t, (1.0 + n as f64 / (1.0 + d as f64)).ln()))
            .collect();
        Model { reasons, idf }
    }

    fn score(&self, class: &Class, query: &HashMap<String, f64>) -> f64 {
        query
            .iter()
            .filter_map(|(t, q)| {
                let w = class.weights.get(t)?;
                Some(w.min(6.0) * self.idf.get(t).copied().unwrap_or(0.0) * q)
            })
            .sum()
    }

    fn suggest(&self, subject: &str, description: &str) -> Option<Suggestion> {
        let mut query: HashMap<String, f64> = HashMap::new();
        for t in terms(subject) {
            *query.entry(t).or_default() += 2.0;
        }
        let head: String = description.chars().take(4000).collect();
        for t in terms(&head) {
            *query.entry(t).or_default() += 1.0;
        }
        // Repetition adds less and less.
        for v in query.values_mut() {
            *v = 1.0 + v.ln();
        }
        let mut best: Option<(f64, &ReasonClass, Option<&SubClass>)> = None;
        for r in &self.reasons {
            let own = self.score(&r.own, &query);
            let sub = r
                .subs
                .iter()
                .map(|s| (self.score(&s.class, &query), s))
                .filter(|(score, _)| *score > 0.0)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let total = own + sub.map_or(0.0, |s| s.0);
            if best.as_ref().is_none_or(|b| total > b.0) {
                best = Some((total, r, sub.map(|s| s.1)));
            }
        }
        let (score, r, sub) = best?;
        if score < MIN_SCORE {
            return None;
        }
        Some(Suggestion {
            reason_id: r.id,
            reason: r.name.clone(),
            sub_reason_id: sub.map(|s| s.id),
            sub_reason: sub.map(|s| s.name.clone()),
        })
    }
}

type Cached = (String, Arc<Model>);

fn cache() -> &'static Mutex<Option<Cached>> {
    static CACHE: OnceLock<Mutex<Option<Cached>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(None))
}

/// What the model is built from, in one string: it is rebuilt when this changes.
fn signature(store: &Store, draft_id: i64, catalogue: &[Reason]) -> Result<String> {
    let mut cat = String::new();
    for r in catalogue {
        cat.push_str(&format!("{}:{}:{}|", r.id, r.name, r.keywords));
        for s in &r.sub_reasons {
            cat.push_str(&format!("{}:{}:{}|", s.id, s.name, s.keywords));
        }
    }
    Ok(format!(
        "{}\u{1}{draft_id}\u{1}{}\u{1}{cat}",
        store.dir().display(),
        store.drafts().training_signature(draft_id)?
    ))
}

/// The model for one kind's list: its reasons, learnt from the past drafts for accounts of that kind
/// (`None`: the whole catalogue and every draft).
fn model(
    store: &Store,
    draft_id: i64,
    kind: Option<CjKind>,
    kinds: &CjKinds,
) -> Result<Arc<Model>> {
    let catalogue = store.reasons().list_for(kind)?;
    let accounts = kind.map(|k| kinds.accounts_of(k));
    let sig = format!(
        "{}\u{1}{:?}\u{1}{accounts:?}",
        signature(store, draft_id, &catalogue)?,
        kind
    );
    if let Some((s, m)) = cache().lock().ok().and_then(|c| c.clone()) {
        if s == sig {
            return Ok(m);
        }
    }
    let past = store.drafts().training_set_of(
        draft_id,
        PAST_DRAFTS,
        PAST_DESCRIPTION_CHARS,
        accounts.as_deref(),
    )?;
    let m = Arc::new(Model::build(&catalogue, &past));
    if let Ok(mut c) = cache().lock() {
        *c = Some((sig, m.clone()));
    }
    Ok(m)
}

/// The reason suggested for a draft as typed (`draft_id`: the draft itself, left out of training), from
/// the whole catalogue.
pub fn suggest(
    store: &Store,
    draft_id: Option<i64>,
    input: &DraftInput,
) -> Result<Option<Suggestion>> {
    suggest_for(store, draft_id, input, &CjKinds::default())
}

/// [`suggest`] from the list of the draft's kind of CJ account, learnt from that kind's drafts.
pub fn suggest_for(
    store: &Store,
    draft_id: Option<i64>,
    input: &DraftInput,
    kinds: &CjKinds,
) -> Result<Option<Suggestion>> {
    if input.subject.trim().is_empty() && input.description.trim().is_empty() {
        return Ok(None);
    }
    let kind = kinds.of(input.cj_account.as_deref());
    let m = model(store, draft_id.unwrap_or(-1), kind, kinds)?;
    Ok(m.suggest(&input.subject, &input.description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lowercased_stemmed_and_without_stop_words() {
        assert_eq!(terms("The tags are NOT firing"), vec!["tag", "fir"]);
        assert_eq!(terms("payments, invoices"), vec!["payment", "invoic"]);
        assert_eq!(terms("two-factor"), vec!["two", "factor", "two-factor"]);
    }
}
