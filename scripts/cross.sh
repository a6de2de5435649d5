#!/usr/bin/env bash
# Windows and macOS, built and checked on this Linux machine (see docs/cross-platform.md).
#
#   scripts/cross.sh setup           Debian's Rust 1.96 with its std source, mingw-w64, Wine, zig (PyPI)
#   scripts/cross.sh check           clippy -D warnings, whole workspace, all targets, for
#                                    x86_64-pc-windows-gnu, x86_64-pc-windows-msvc,
#                                    aarch64-apple-darwin and x86_64-apple-darwin
#   scripts/cross.sh check-macos     the same for the two macOS targets only
#   scripts/cross.sh test-windows    the core's and the shell's tests, run under Wine, with a summary
#   scripts/cross.sh exe [release]   the app's .exe (windows-gnu) and what it imports
#   scripts/cross.sh portable        the release .exe + WebView2Loader.dll + README as a .zip
#   scripts/cross.sh all             setup, check, test-windows, exe (what `make test` runs)
#
# No rustup target can be downloaded here, so std is built from Debian's rust-web-src with
# -Zbuild-std (RUSTC_BOOTSTRAP=1 lets a stable cargo take -Z). Windows links with mingw-w64 and runs
# under Wine 8.0, which lacks bcryptprimitives.dll (std >= 1.78 imports ProcessPrng from it): a
# ten-line stand-in forwarding to RtlGenRandom goes into the Wine prefix. msvc and macOS are checked
# only (no MSVC CRT / Windows SDK, no macOS SDK): C code (ring's, SQLite's) is compiled by zig,
# which ships MinGW and macOS libc headers; DOCS_RS=1 makes the two crates that compile
# Objective-C against Cocoa skip it, which is right for a check and wrong for a build.
#
# One target dir ($CARGO_TARGET_DIR, else target/), no incremental artefacts. Tools live in
# $CASEDESK_CROSS_TOOLS (default: target/cross-tools): the zig venv, the shim, the Wine prefix.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
tools="${CASEDESK_CROSS_TOOLS:-$CARGO_TARGET_DIR/cross-tools}"
# Debian's rustc 1.96 + cargo 1.96 ahead of rustup's 1.95 (which has no std source to build from).
export PATH="$tools/venv/bin:/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
unset RUSTC_WRAPPER RUSTFLAGS
export RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never
export WINEPREFIX="$tools/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
CARGO=/usr/bin/cargo
BS=-Zbuild-std
WIN=x86_64-pc-windows-gnu
MACS=(aarch64-apple-darwin x86_64-apple-darwin)

step() { printf '\n== cross: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
timed() {
  local t0=$SECONDS rc=0
  "$@" || rc=$?
  echo "cross: '$*' took $((SECONDS - t0)) s (exit $rc)"
  return "$rc"
}

setup() {
  step setup
  local pkgs=(rustc-web cargo-web rust-web-src rust-web-clippy mingw-w64 wine wine64 llvm python3-venv xvfb)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "cross: missing Debian packages. Run:" >&2
      echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
    echo "cross: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  mkdir -p "$tools"
  if [ ! -x "$tools/venv/bin/cargo-zigbuild" ]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q --disable-pip-version-check ziglang==0.17.0 cargo-zigbuild==0.24.0
  fi
  if [ ! -f "$tools/bcryptprimitives.dll" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$tools/bcryptprimitives.dll" \
      "$root/scripts/cross/bcryptprimitives.c" -ladvapi32
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    # A 64-bit prefix of our own; wineboot returns once it is made (bounded: it can wait on a dialog).
    timeout 300 wineboot -i >/dev/null 2>&1 || true
    timeout 60 wineserver -w || true
  fi
  cp "$tools/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
  # Tests see the Windows Casedesk supports (Wine 8 makes a Windows 7 prefix).
  timeout 60 wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1 || true
  # C for msvc *checks*: zig's clang with MinGW headers (an MSVC SDK cannot be had here).
  install -m 0755 "$root/scripts/cross/zigcc-win" "$tools/zigcc-win"
  rustc --version; cargo --version; x86_64-w64-mingw32-gcc --version | head -1; wine --version
}

check() {
  step "clippy $WIN"
  timed $CARGO clippy --workspace --all-targets --target $WIN $BS -- -D warnings
  step "clippy x86_64-pc-windows-msvc"
  CC_x86_64_pc_windows_msvc="$tools/zigcc-win" AR_x86_64_pc_windows_msvc=llvm-lib \
    timed $CARGO clippy --workspace --all-targets --target x86_64-pc-windows-msvc $BS -- -D warnings
  check_macos
}

check_macos() {
  for t in "${MACS[@]}"; do
    step "clippy $t"
    DOCS_RS=1 timed cargo-zigbuild clippy --workspace --all-targets --target "$t" $BS -- -D warnings
  done
}

test_windows() {
  step "tests under Wine ($WIN)"
  local out="$CARGO_TARGET_DIR/cross-test-windows.log"
  # WebView2Loader.dll (shipped inside webview2-com-sys, copied next to the exes by its build
  # script) must be found by the shell's test binaries.
  export WINEPATH
  WINEPATH="$(winepath -w "$CARGO_TARGET_DIR/$WIN/debug" 2>/dev/null)"
  # Wine draws through X: the window-list, screen-capture and clipboard tests need a display, so
  # Wine gets a private Xvfb unless one is given (stopped afterwards, whatever the tests did).
  local xvfb=""
  if [ -z "${DISPLAY:-}" ]; then
    # -displayfd: Xvfb takes a free display number itself and writes it once it is listening.
    local dfile
    dfile="$(mktemp)"
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dfile" >/dev/null 2>&1 &
    xvfb=$!
    trap '[ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null' EXIT
    for _ in $(seq 100); do [ -s "$dfile" ] && break; sleep 0.1; done
    [ -s "$dfile" ] || { echo "cross: Xvfb did not start" >&2; return 1; }
    export DISPLAY=":$(head -1 "$dfile")"
    rm -f "$dfile"
  fi
  local rc
  set +e
  timed $CARGO test --no-fail-fast -p casedesk-core -p casedesk --target $WIN $BS 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  timeout 60 wineserver -k 2>/dev/null || true
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; unset DISPLAY; fi
  summarise "$out"
  return "$rc"
}

# passed / failed / gated over every test binary, and each gate with its reason.
summarise() {
  local passed failed gated
  passed=$(grep '^test result:' "$1" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  failed=$(grep '^test result:' "$1" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
  # Ignored tests are the gates, less helpers that only run as another test's child process.
  helpers=$(grep -cE '^test .* \.\.\. ignored, run by .* as a child process' "$1" || true)
  gated=$(grep '^test result:' "$1" | grep -Eo '[0-9]+ ignored' | awk -v h="$helpers" '{s+=$1} END {print s-h}')
  echo "cross: gated on Windows (test, reason):"
  grep -E '^test .* \.\.\. ignored' "$1" | grep -v 'as a child process' | sed 's/^test /  /' | sort || true
  echo "cross: Windows under Wine: $passed passed, $failed failed, $gated gated"
}

exe() {
  local profile="${1:-debug}" flags=()
  step "casedesk.exe ($profile)"
  if [ "$profile" = release ]; then
    # The release profile aborts on panic: std is built with panic_abort then.
    flags=(--release -Zbuild-std=std,panic_abort)
  else
    flags=($BS)
  fi
  timed $CARGO build -p casedesk --bin casedesk --target $WIN "${flags[@]}"
  local bin="$CARGO_TARGET_DIR/$WIN/$profile/casedesk.exe"
  # Only Windows' own DLLs and WebView2's loader, which ships beside the exe.
  local dlls
  dlls=$(x86_64-w64-mingw32-objdump -p "$bin" | sed -n 's/^\tDLL Name: //p' | sort -u)
  echo "cross: $bin is $(stat -c %s "$bin") bytes and imports:"
  echo "$dlls" | sed 's/^/  /'
  local foreign
  foreign=$(echo "$dlls" | grep -viE '^(api-ms-win-[a-z0-9-]+|advapi32|bcrypt|bcryptprimitives|comctl32|comdlg32|crypt32|d2d1|d3d11|dwmapi|dwrite|dxgi|gdi32|gdiplus|imm32|kernel32|msvcrt|ncrypt|ntdll|ole32|oleaut32|propsys|secur32|shell32|shlwapi|user32|userenv|uxtheme|version|webview2loader|winmm|ws2_32|ucrtbase|iphlpapi|dbghelp|powrprof|psapi|setupapi|windowscodecs|wininet|winspool|wtsapi32|msimg32|opengl32|usp10|dcomp|combase|rpcrt4|cfgmgr32|hid|netapi32|credui|wldap32|winhttp|ktmw32)\.dll$' || true)
  if [ -n "$foreign" ]; then
    echo "cross: casedesk.exe imports DLLs a Windows machine does not have:" >&2
    echo "$foreign" >&2
    return 1
  fi
}

portable() {
  exe release
  step "portable zip"
  local out="$CARGO_TARGET_DIR/cross-dist" dir bin="$CARGO_TARGET_DIR/$WIN/release"
  dir="$out/Casedesk-0.1.0-windows-x64"
  rm -rf "$out" && mkdir -p "$dir"
  cp "$bin/casedesk.exe" "$bin/WebView2Loader.dll" "$dir/"
  cp "$root/packaging/windows-README.txt" "$dir/README.txt"
  cp "$root/packaging/copyright" "$dir/COPYRIGHT.txt"
  (cd "$out" && python3 -m zipfile -c Casedesk-0.1.0-windows-x64.zip Casedesk-0.1.0-windows-x64)
  ls -l "$out"/*.zip
}

case "${1:-}" in
  setup) setup ;;
  check) check ;;
  check-macos) check_macos ;;
  test-windows) test_windows ;;
  exe) exe "${2:-debug}" ;;
  portable) portable ;;
  all)
    t0=$SECONDS
    setup
    check
    test_windows
    exe debug
    echo "cross: all steps took $((SECONDS - t0)) s"
    ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
