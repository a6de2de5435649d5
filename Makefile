# Casedesk: `make run` builds and starts the app; `make test` runs every test, end-to-end ones included.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

# Tests build the app under its own identifier so they never touch a user's data (each test also sets
# CASEDESK_DATA_DIR and XDG_* to a temp dir), with the drop hook (`e2e-hooks`) and hiding the window (a test hides
# it as the tray does) granted to the window.
TEST_CONFIG := {"identifier":"com.casedesk.desktop.test","app":{"security":{"capabilities":["default",{"identifier":"e2e-hooks","windows":["main"],"permissions":["allow-e2e-drop","core:window:allow-hide"]}]}}}

.PHONY: run build codes test test-fast test-ui test-e2e test-cross package-windows lint supply-chain fuzz fuzz-long bench package package-test deps-build deps-test clean

deps-build:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

build: deps-build
	$(CARGO) build -p casedesk

run: build
	$(CARGO) run -p casedesk

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Licences, banned stacks, sources (cargo deny) and RustSec advisories from ../shared's snapshot (cargo audit).
supply-chain:
	scripts/supply-chain.sh

# Longer property campaigns than `make test` runs (opt-in; not part of `make test`).
fuzz:
	PROPTEST_CASES=20000 $(CARGO) test --release -p casedesk-core --lib
	PROPTEST_CASES=20000 $(CARGO) test --release -p casedesk-core --test all -- properties:: mail_corpus::
	PROPTEST_CASES=5000 $(CARGO) test --release -p casedesk --test commands any_arguments

# A coverage-guided campaign (libFuzzer; needs nightly and cargo-fuzz) over every reader of outside
# bytes, FUZZ_SECONDS in all (default an hour). Not part of `make test`; figures in BENCHMARKS.md.
fuzz-long:
	scripts/fuzz-long.sh $(or $(FUZZ_SECONDS),3600)

# Core and shell tests only (no display needed): the developer's fast loop.
test-fast:
	$(CARGO) test --workspace --exclude casedesk-e2e

# ui/codes.js, written from the core's error codes (a test fails when it differs).
codes:
	CASEDESK_WRITE_CODES=1 $(CARGO) test -p casedesk-core --test all -- invariants::the_ui_knows_every_error_code

# The page's per-OS choices (Cmd on macOS, hints, fonts), in Node's own test runner.
test-ui:
	node --test ui/tests/

# Windows and macOS from this Linux machine (scripts/cross.sh): clippy -D warnings for windows-gnu,
# windows-msvc and both Macs, the core's and the shell's tests under Wine, the app's .exe and its imports.
test-cross:
	scripts/cross.sh all

# The release .exe as a portable .zip (with WebView2Loader.dll); not part of `make test`.
package-windows:
	scripts/cross.sh setup
	scripts/cross.sh portable

test-e2e:
	TAURI_CONFIG='$(TEST_CONFIG)' $(CARGO) build -p casedesk --features e2e-hooks
	$(CARGO) test -p casedesk-e2e --test e2e -- --test-threads=1

test: deps-test
	$(MAKE) lint
	$(MAKE) supply-chain
	$(MAKE) test-fast
	$(MAKE) test-ui
	$(MAKE) test-e2e
	$(MAKE) test-cross

# Figures next to same-run baselines, written to BENCHMARKS.md. Never part of `make test`.
bench: deps-build
	$(CARGO) build --release -p casedesk -p casedesk-empty-shell
	$(CARGO) bench -p casedesk-bench --bench inprocess
	$(CARGO) run --release -p casedesk-bench

# The release app as a .deb (Tauri's bundler; Depends from dpkg-shlibdeps), checked by lintian.
package: deps-build
	scripts/package.sh

# Installs that .deb with apt, launches it from its desktop entry under Xvfb, purges it (root; not in `make test`).
package-test: package
	scripts/package-test.sh

clean:
	$(CARGO) clean
