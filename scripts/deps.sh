#!/usr/bin/env bash
# Installs what building, running and testing Casedesk needs on Debian 12.
# Usage: scripts/deps.sh build|test|rt|package   (test includes build and Request Tracker 5; rt is RT
# alone; package adds the .deb checks and Tauri's CLI)
# As root it installs with apt; otherwise it prints the exact apt line and exits 1.
set -euo pipefail
want="${1:-build}"
build_pkgs=(pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev
  libayatana-appindicator3-dev libxdo-dev libssl-dev libdbus-1-dev libsqlite3-dev build-essential)
test_pkgs=(xvfb webkit2gtk-driver dbus dbus-x11 dunst xdotool imagemagick gnome-keyring
  libsecret-tools x11-utils xclip dovecot-imapd openssl libimage-exiftool-perl)
rt_pkgs=(request-tracker5 rt5-db-sqlite rt5-standalone)
package_pkgs=(lintian desktop-file-utils dpkg-dev xvfb dbus libgtk-3-bin)
pkgs=("${build_pkgs[@]}")
case "$want" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}" "${rt_pkgs[@]}")
    # `make test-ui` runs Node's test runner; Debian's nodejs only when no Node is there.
    command -v node >/dev/null 2>&1 || pkgs+=(nodejs) ;;
  rt) pkgs=("${rt_pkgs[@]}") ;;
  package) pkgs+=("${package_pkgs[@]}")
    # npm only when no Node is there (a Node from elsewhere brings its own npm).
    command -v npm >/dev/null 2>&1 || pkgs+=(npm) ;;
  all) pkgs+=("${test_pkgs[@]}" "${rt_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|rt|package|all" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$want" = package ]; then
  # Tauri's bundler: the npm package carries a prebuilt binary (seconds, not a 10-minute cargo install),
  # pinned to the tauri crate's version, installed under target/ (not system-wide).
  cli="$here/../target/tools/node_modules/.bin/tauri"
  if [ ! -x "$cli" ]; then
    echo "deps: npm install @tauri-apps/cli@2.12.5 (into target/tools)"
    npm install --silent --no-audit --no-fund --prefix "$here/../target/tools" @tauri-apps/cli@2.12.5
  fi
  exit 0
fi
if [ "$want" != build ]; then
  # The throwaway-RT drop-in is inert unless CASEDESK_RT_DB is set (see scripts/rt/99-casedesk-test.pm).
  dropin=/etc/request-tracker5/RT_SiteConfig.d/99-casedesk-test.pm
  if ! cmp -s "$here/rt/99-casedesk-test.pm" "$dropin" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
      install -m 0644 "$here/rt/99-casedesk-test.pm" "$dropin"
    else
      echo "deps: run: sudo install -m 0644 $here/rt/99-casedesk-test.pm $dropin" >&2
      exit 1
    fi
  fi
fi
if [ "$want" = test ] || [ "$want" = all ]; then
  # Cargo tools the tests run: the WebDriver bridge, and the supply-chain checks (scripts/supply-chain.sh).
  for tool in tauri-driver cargo-deny cargo-audit; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/$tool" ]; then
      echo "deps: cargo install $tool --locked"
      cargo install "$tool" --locked --quiet
    fi
  done
fi
