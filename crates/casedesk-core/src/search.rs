//! Search everything: drafts (subject, description) and cases (number, subject, the timeline's
//! statuses and reply texts), grouped, newest first, matches marked in snippets.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::{AccountFilter, CaseHit, SearchHit, Store};

/// The longest search accepted, in bytes.
pub const QUERY_MAX_BYTES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    pub drafts: Vec<SearchHit>,
    pub cases: Vec<CaseHit>,
}

pub fn check_query(text: &str) -> Result<()> {
    if text.len() > QUERY_MAX_BYTES {
        return Err(Error::field(
            "search",
            crate::Code::QueryTooLong,
            "The search is too long.",
        ));
    }
    Ok(())
}

/// Whether an index must catch up (on the writer) before [`search_as_indexed`].
pub fn is_stale(store: &Store) -> Result<bool> {
    Ok(store.drafts().index_is_stale()? || store.cases().search_is_stale()?)
}

pub fn catch_up(store: &Store) -> Result<()> {
    store.drafts().catch_up(None);
    store.cases().search_catch_up()
}

/// Both groups, `limit` each, from the indexes as they are.
pub fn search_as_indexed(store: &Store, text: &str, limit: u32) -> Result<SearchResults> {
    check_query(text)?;
    Ok(SearchResults {
        drafts: store.drafts().search_as_indexed(text, limit)?,
        cases: store.cases().search_as_indexed(text, limit)?,
    })
}

/// [`search_as_indexed`], only the drafts and cases `filter` admits (by the CJ account their draft
/// is for). Reads up to four times `limit` matches before filtering, so a filter rarely shows fewer
/// than it could.
pub fn search_as_indexed_for(
    store: &Store,
    text: &str,
    limit: u32,
    filter: &AccountFilter,
) -> Result<SearchResults> {
    if *filter == AccountFilter::All {
        return search_as_indexed(store, text, limit);
    }
    check_query(text)?;
    let wide = limit.saturating_mul(4);
    let mut drafts = Vec::new();
    for hit in store.drafts().search_as_indexed(text, wide)? {
        if drafts.len() as u32 >= limit {
            break;
        }
        if filter.admits(store.drafts().get(hit.summary.id)?.cj_account.as_deref()) {
            drafts.push(hit);
        }
    }
    let cases = store
        .cases()
        .search_as_indexed(text, wide)?
        .into_iter()
        .filter(|h| filter.admits(h.case.cj_account.as_deref()))
        .take(limit as usize)
        .collect();
    Ok(SearchResults { drafts, cases })
}

/// Catches up, then searches (one connection: tests and benches).
pub fn search(store: &Store, text: &str, limit: u32) -> Result<SearchResults> {
    catch_up(store)?;
    search_as_indexed(store, text, limit)
}
