#!/usr/bin/env bash
# `make package`: the release app as a .deb, built by Tauri's own bundler (one release build). Depends
# (in tauri.conf.json) is not guessed: after the build, every package dpkg-shlibdeps finds for the
# libraries the binary links (ldd's view, mapped by dpkg -S) must be in it, or this fails and says which.
# The tray's libayatana-appindicator3-1 is loaded with dlopen; Tauri's bundler adds it. Then lintian and
# desktop-file-validate look at the result.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
# Cargo's output folder: $CARGO_TARGET_DIR when set (relative to the checkout, as cargo takes it).
out="${CARGO_TARGET_DIR:-$root/target}"
case "$out" in /*) ;; *) out="$root/$out" ;; esac
scripts/deps.sh package
cli="$root/target/tools/node_modules/.bin/tauri"

# What Debian policy wants beside the binary: a changelog and a manual page, gzipped -9n.
mkdir -p target/package
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json)"
printf 'casedesk (%s) unstable; urgency=medium\n\n  * Release %s: see README.md.\n\n -- Casedesk maintainers <maintainers@casedesk.invalid>  %s\n' \
  "$version" "$version" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}")" \
  | gzip -9n > target/package/changelog.gz
gzip -9n -c packaging/casedesk.1 > target/package/casedesk.1.gz

(cd src-tauri && "$cli" build --bundles deb --ci)
bin="$out/release/casedesk"
deb="$(ls -t "$out"/release/bundle/deb/*.deb | head -1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: casedesk\n\nPackage: casedesk\nArchitecture: any\n' > "$work/debian/control"
needed="$(cd "$work" && dpkg-shlibdeps -O -e"$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p' \
  | tr ',' '\n' | sed 's/(.*//; s/ //g' | sort -u)"
[ -n "$needed" ] || { echo "package: dpkg-shlibdeps found nothing" >&2; exit 1; }
declared="$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/ //g' | sort -u)"
missing="$(comm -23 <(echo "$needed") <(echo "$declared"))"
if [ -n "$missing" ]; then
  echo "package: Depends lacks what the binary links: $missing (add to bundle.linux.deb.depends)" >&2
  exit 1
fi
echo "package: Depends: $(dpkg-deb -f "$deb" Depends)"
echo "package: covers every library the binary links: $(echo $needed)"
echo "package: $deb ($(stat -c %s "$deb") bytes; binary $(stat -c %s "$bin") bytes)"
dpkg-deb -x "$deb" "$work/x"
for d in "$work"/x/usr/share/applications/*.desktop; do desktop-file-validate "$d" && echo "package: $(basename "$d") is valid"; done
echo "package: lintian:"
lintian --tag-display-limit 0 "$deb" || true
