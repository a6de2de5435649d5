//! Which draft a confirmation mail names: its titles against the subjects of the drafts waiting for a
//! number.

/// How well a mail's titles name the draft `subject`: `None` when they do not (a draft subject under 5
/// characters never matches); else a score where an exact match (same words, in order) is 2.0, one
/// inside the other (at least 10 characters) or close wording (word overlap ≥ 0.8) scores its word
/// overlap, at most 1.0.
pub fn title_score(titles: &[String], subject: &str) -> Option<f64> {
    let norm = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let d = norm(subject);
    if d.len() < 5 {
        return None;
    }
    titles
        .iter()
        .filter_map(|t| {
            let t = norm(t);
            if t == d {
                return Some(2.0);
            }
            let similarity = crate::lint::subject_similarity(&t, &d);
            let inside = (t.len() >= 10 && d.contains(&t)) || (d.len() >= 10 && t.contains(&d));
            (inside || similarity >= 0.8).then_some(similarity)
        })
        .max_by(f64::total_cmp)
}

/// The one draft a confirmation names: an exact title first, else the best score — and none when two
/// drafts tie for it (the case is then "found in your e-mail", for the user to tie to a draft), so a
/// confirmation never lands on the wrong draft by being first in a list.
pub fn best_draft(titles: &[String], drafts: &[(i64, String)]) -> Option<i64> {
    let mut scored: Vec<(f64, i64)> = drafts
        .iter()
        .filter_map(|(id, subject)| title_score(titles, subject).map(|s| (s, *id)))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [] => None,
        [(_, id)] => Some(*id),
        [(best, id), (next, _), ..] => ((best - next).abs() > 1e-9).then_some(*id),
    }
}

#[cfg(test)]
mod matching_tests {
    use super::*;

    fn drafts(subjects: &[&str]) -> Vec<(i64, String)> {
        subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (i as i64 + 1, s.to_string()))
            .collect()
    }

    #[test]
    fn an_exact_title_wins_over_a_newer_loose_match() {
        // Newest first, as the store lists them: the loose one used to win by coming first.
        let list = drafts(&[
            "Commission report showing incorrect order values for October",
            "Commission report showing incorrect order values",
        ]);
        let titles = vec!["Commission report showing incorrect order values".to_string()];
        assert_eq!(best_draft(&titles, &list), Some(2));
    }

    #[test]
    fn a_tie_lands_on_no_draft() {
        let list = drafts(&["Tracking link broken", "Tracking link broken"]);
        let titles = vec!["Tracking link broken".to_string()];
        assert_eq!(best_draft(&titles, &list), None);
        let loose = drafts(&["Payment missing for May", "Payment missing for June"]);
        let titles = vec!["Payment missing".to_string()];
        assert_eq!(
            best_draft(&titles, &loose),
            None,
            "two equally loose matches"
        );
    }

    #[test]
    fn the_closest_loose_match_wins_and_an_unrelated_draft_none() {
        let list = drafts(&["Tag not firing on checkout page", "Payout delayed"]);
        let titles = vec!["Tag not firing on checkout".to_string()];
        assert_eq!(best_draft(&titles, &list), Some(1));
        let titles = vec!["Something else entirely".to_string()];
        assert_eq!(best_draft(&titles, &list), None);
    }
}
