//! What `make bench`'s own harness (src/main.rs) and its criterion benches (benches/inprocess.rs)
//! both measure: the same inputs, so criterion's medians and the harness's percentiles agree.

use casedesk_core::Store;

/// A 64 KB description that differs from one revision to the next.
pub fn description(i: usize) -> String {
    let base = format!("Revision {i}: the commission report shows incorrect order values. ");
    base.repeat(64 * 1024 / base.len() + 1)[..64 * 1024].to_owned()
}

const WORDS: [&str; 24] = [
    "commission",
    "report",
    "tag",
    "conversion",
    "payment",
    "october",
    "invoice",
    "api",
    "token",
    "checkout",
    "page",
    "publisher",
    "advertiser",
    "link",
    "feed",
    "product",
    "login",
    "error",
    "missing",
    "wrong",
    "values",
    "firing",
    "bank",
    "campaign",
];

/// Queries a user might type: common domain words, a prefix, several words.
pub const QUERIES: [&str; 8] = [
    "commission report",
    "tag firing",
    "payment oct",
    "invoice wrong",
    "api token",
    "check",
    "publisher link feed",
    "bank",
];

/// 100,000 drafts of support-like text: a 3,000-word vocabulary with a Zipf-like skew (a few words
/// common, most rare) and the domain words at about one word in ten.
/// 100,000 cases with two timeline entries each (a status, and a reply or a second status), words
/// drawn like the drafts'.
pub fn seed_cases_corpus(store: &Store) {
    let c = store.connection();
    let tx = c.unchecked_transaction().unwrap();
    let mut case = tx
        .prepare("INSERT INTO cases (filer, case_number, subject, status, origin, created_at) VALUES ('cj-web', ?1, ?2, 'In Progress', 'user', ?3)")
        .unwrap();
    let mut history = tx
        .prepare("INSERT INTO status_history (case_id, kind, new_status, body, at, source, notified) VALUES (?1, ?2, ?3, ?4, ?5, 'mail', 1)")
        .unwrap();
    let mut x: u64 = 7;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let statuses = [
        "New",
        "In Progress",
        "Waiting on you",
        "Escalated",
        "Closed",
    ];
    for i in 0..100_000i64 {
        let words: Vec<&str> = (0..6)
            .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
            .collect();
        case.execute(rusqlite::params![
            format!("{:08}", 10_000_000 + i),
            words.join(" "),
            i
        ])
        .unwrap();
        let id = tx.last_insert_rowid();
        let s = statuses[(next() % 5) as usize];
        history
            .execute(rusqlite::params![
                id,
                "status",
                s,
                Option::<String>::None,
                i
            ])
            .unwrap();
        let reply: Vec<&str> = (0..12)
            .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
            .collect();
        history
            .execute(rusqlite::params![
                id,
                "reply",
                Option::<String>::None,
                reply.join(" "),
                i + 1
            ])
            .unwrap();
    }
    drop(case);
    drop(history);
    tx.commit().unwrap();
}

pub fn seed_search_corpus(store: &Store) {
    {
        let c = store.connection();
        let tx = c.unchecked_transaction().unwrap();
        let mut stmt = tx.prepare("INSERT INTO drafts (subject, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)").unwrap();
        let mut x: u64 = 42;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let r = next();
            if r.is_multiple_of(10) {
                WORDS[((r >> 8) % WORDS.len() as u64) as usize].to_owned()
            } else {
                let u = ((r >> 16) % 1_000_000) as f64 / 1_000_000.0;
                format!("w{}", (3000.0 * u * u * u) as u32)
            }
        };
        for i in 0..100_000i64 {
            let subject: Vec<String> = (0..6).map(|_| word(&mut next)).collect();
            let body: Vec<String> = (0..60).map(|_| word(&mut next)).collect();
            stmt.execute(rusqlite::params![subject.join(" "), body.join(" "), i])
                .unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
}
