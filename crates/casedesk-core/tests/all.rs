//! The core's integration tests, one binary with a module per concern (as ripgrep and GitButler do):
//! each file under `tests/` was its own binary, each linking tokio, reqwest, rustls and async-imap.
//! `mail_hostile` stays a binary of its own: it counts the heap with a global allocator, which other
//! tests running beside it would disturb.

mod attachments;
mod by_hand;
mod case_page;
mod catalogue;
mod catalogue_kinds;
mod durability;
mod export;
mod follow_attention;
mod invariants;
mod layers;
mod mail_accounts;
mod mail_cj_accounts;
mod mail_corpus;
mod mail_dovecot;
mod mail_oauth;
mod migration;
mod outbox;
mod pictures;
mod pictures_crop;
mod pictures_offer;
mod pictures_store;
mod poller;
mod properties;
mod reason_suggestion;
mod registries;
mod rt_contract;
mod search;
mod secret_corpus;
mod secret_gitleaks;
mod slices;
mod store;
mod store_file;
mod support;
mod third_filer;
mod third_source;
