#!/usr/bin/env bash
# `make package-test` (root; not part of `make test`): installs the .deb with apt, starts Casedesk from
# its desktop entry (gtk-launch: the entry must be found the way desktops find it) under Xvfb with a
# temp HOME and a private session bus, waits for the window to report its drafts list drawn, then purges
# the package and checks that nothing of it is left (every file it installed is gone; only the user's
# data folder, under the temp HOME, remains).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "package-test: installing a package needs root" >&2; exit 1; }
out="${CARGO_TARGET_DIR:-target}"
deb="$(ls -t "$out"/release/bundle/deb/*.deb 2>/dev/null | head -1)"
[ -n "$deb" ] || { echo "package-test: no .deb; run make package" >&2; exit 1; }
pkg="$(dpkg-deb -f "$deb" Package)"

echo "package-test: installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$deb")" >/dev/null
installed="$(dpkg -L "$pkg")"
test -x /usr/bin/casedesk
entry="$(dpkg -L "$pkg" | grep '^/usr/share/applications/.*\.desktop$' | head -1)"
desktop-file-validate "$entry"
id="$(basename "$entry" .desktop)"

tmp="$(mktemp -d)"
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_CACHE_HOME="$tmp/home/.cache" CASEDESK_LOG=info WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1
mkdir -p "$HOME"
exec 3> "$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$tmp/display")"

echo "package-test: gtk-launch $id (display $DISPLAY)"
dbus-run-session -- bash -c '
  gtk-launch "$1" > "$2/app.log" 2>&1 &
  for _ in $(seq 1 600); do
    grep -q "drafts list rendered" "$2/app.log" 2>/dev/null && break
    sleep 0.1
  done
  grep "drafts list rendered" "$2/app.log" || { echo "package-test: the window did not report ready within 60 s" >&2; cat "$2/app.log" >&2; exit 1; }
  pkill -TERM -x casedesk || true
  for _ in $(seq 1 50); do pgrep -x casedesk >/dev/null || break; sleep 0.1; done
' _ "$id" "$tmp"
data="$XDG_DATA_HOME/com.casedesk.desktop"
test -f "$data/casedesk.sqlite3" || { echo "package-test: no data folder at $data" >&2; exit 1; }
echo "package-test: the window reported ready; its data is in $data"

echo "package-test: purging $pkg"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q installed; then
  echo "package-test: $pkg is still installed" >&2; exit 1
fi
left=0
while read -r f; do
  # Shared directories (/usr, /usr/bin, hicolor's size folders: other packages own them, or hold
  # files there) stay; everything the package alone brought must be gone.
  if [ -d "$f" ]; then
    { [ -n "$(ls -A "$f" 2>/dev/null)" ] || dpkg -S "$f" >/dev/null 2>&1; } && continue
  fi
  if [ -e "$f" ]; then echo "package-test: left behind: $f" >&2; left=1; fi
done <<< "$installed"
[ "$left" -eq 0 ] || exit 1
test -f "$data/casedesk.sqlite3" || { echo "package-test: the user's data went with the package" >&2; exit 1; }
echo "package-test: ok — installed, launched from its desktop entry, ready, purged; only the user's data is left"
