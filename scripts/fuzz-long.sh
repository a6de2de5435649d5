#!/usr/bin/env bash
# A coverage-guided fuzz campaign (libFuzzer via cargo-fuzz) over every reader of outside bytes
# (crates/casedesk-core/src/fuzzing.rs, one target each in fuzz/fuzz_targets/). Not part of `make test`:
# it needs a nightly toolchain and cargo-fuzz, and it runs for as long as it is given.
#
#   scripts/fuzz-long.sh [SECONDS_IN_ALL]      (default 3600, shared by the targets' weights below)
#
# Seeds come from the test fixtures; the grown corpora and any crash stay under
# ${CARGO_TARGET_DIR:-fuzz/target}/fuzz-campaign/. A crash makes the script fail and names its input.
# One summary line per target (runs, coverage, corpus) goes to fuzz-campaign/summary.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-3600}

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz-long needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz-long needs cargo-fuzz: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

out=$(realpath -m "${CARGO_TARGET_DIR:-$PWD/fuzz/target}/fuzz-campaign")
mkdir -p "$out"
# The fuzz workspace resolves the app's own versions: its lock starts as a copy of the app's.
[ -f fuzz/Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock

# target:weight (share of the time): the readers that see the most outside bytes get the most time.
targets="imap:20 mail:20 png:14 secrets:10 rt_page:8 catalogue:8 preferences:8 html:5 oauth_redirect:3 shown:2 sniff:2"
sum=0
for tw in $targets; do sum=$((sum + ${tw#*:})); done

fixtures=crates/casedesk-core/tests
seed() {
    local t=$1 dir=$2
    mkdir -p "$dir"
    case $t in
        mail|html) cp $fixtures/mail/corpus/*.eml "$dir"/ ;;
        png|sniff) cp $fixtures/fixtures/rgb-4x3.png $fixtures/fixtures/python-logo.jpg "$dir"/ ;;
        secrets|shown) cp $fixtures/fixtures/secrets/* "$dir"/ ;;
        catalogue) cp $fixtures/fixtures/reasons/* "$dir"/ ;;
        preferences) cp $fixtures/fixtures/release-0.1.0-preferences.json "$dir"/ ;;
        rt_page) printf '%s' '{"count":1,"page":1,"per_page":100,"total":1,"items":[{"id":"7","Status":"open","LastUpdated":"2026-01-02T03:04:05Z","Subject":"Hi"}]}' >"$dir/page.json" ;;
        oauth_redirect) printf 'GET /?state=s7Xq&code=abc HTTP/1.1\r\nHost: 127.0.0.1:53682\r\n\r\n' >"$dir/ok.http" ;;
        imap)
            # The first byte is the size the rest is cut into.
            printf '\x07* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\nA1 OK done\r\n* 1 FETCH (UID 5 RFC822.SIZE 12 BODY[] {12}\r\nSubject: x\r\n)\r\nA2 OK\r\n' >"$dir/fetch.imap"
            printf '\x40* SEARCH 1 2 3\r\n* STATUS INBOX (UIDNEXT 9 UIDVALIDITY 3)\r\n+ idling\r\n* 4 EXISTS\r\nA3 OK\r\n' >"$dir/search.imap"
            ;;
    esac
}

for tw in $targets; do
    t=${tw%%:*}
    [ -d "$out/corpus/$t" ] || seed "$t" "$out/corpus/$t"
done

cd fuzz
cargo +nightly fuzz build -O -a --sanitizer none
status=0
printf 'target\tseconds\truns\tcoverage\tfeatures\tcorpus\tresult\n' >"$out/summary.tsv"
for tw in $targets; do
    t=${tw%%:*}
    secs=$((total * ${tw#*:} / sum))
    [ "$secs" -ge 1 ] || secs=1
    corpus="$out/corpus/$t"
    log="$out/$t.log"
    result=ok
    # -rss_limit_mb: a reader that needs more than 2 GB for one input is a finding too.
    if ! cargo +nightly fuzz run -O -a --sanitizer none "$t" "$corpus" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -artifact_prefix="$out/$t-" -print_final_stats=1 >"$log" 2>&1; then
        result=FAILED
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    files=$(find "$corpus" -type f | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$secs" "$runs" "$cov" "$ft" "$files" "$result" | tee -a "$out/summary.tsv"
done
[ $status -eq 0 ] || echo "a target failed: see $out/*.log and the artifacts beside them" >&2
exit $status
