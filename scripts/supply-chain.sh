#!/usr/bin/env bash
# Supply-chain checks, run by `make test`:
#   cargo deny: licences allowed by name, one TLS/crypto and one D-Bus stack, crates.io only (deny.toml);
#   cargo audit: RustSec advisories, read from the snapshot beside the repository (no network), with the
#   ignores in .cargo/audit.toml (each names why it does not apply and what would lift it).
set -euo pipefail
cd "$(dirname "$0")/.."
db="${CASEDESK_ADVISORY_DB:-../shared/rustsec-advisory-db}"
# cargo deny reads every target's crates (deny.toml lists Windows and macOS too) without the network:
# fetch them first (all platforms; a no-op when they are there).
cargo fetch --locked --quiet
cargo deny --offline check licenses bans sources
if [ -d "$db/crates" ]; then
  # A copy, because cargo audit may write its lock file and an index into the database folder.
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -r "$db" "$work/advisory-db"
  cargo audit --db "$work/advisory-db" --no-fetch --stale
else
  echo "supply-chain: no advisory snapshot at $db (set CASEDESK_ADVISORY_DB); advisories not checked" >&2
  exit 1
fi
