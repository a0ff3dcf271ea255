#!/usr/bin/env bash
# Builds the uniffi Swift bindings (bindings-mobile/) and runs the XCTest files of tests/swift/
# with `swift test`, in the Debian trixie chroot of scripts/toolchains.sh (bookworm has no Swift).
# Prints XCTest's summary; exits non-zero on any failure.
#
# The SwiftPM package is assembled under build/swift/package from the generated sources (uniffi's
# <Module>FFI.modulemap renamed to module.modulemap, which systemLibrary targets need) and the
# tests, then copied with the library and the shared vectors to /work/amimestrocel-build in the
# chroot. Files are copied only when they changed, so SwiftPM's build there stays incremental.
# Idempotent; works from a fresh clone and with CARGO_TARGET_DIR anywhere. /proc of the chroot is
# unmounted on exit, also on failure or interrupt (unless it was mounted before this script).
# AMIMESTROCEL_README=FILE runs the ```swift blocks of FILE instead of README.md (to try a README
# change on a scratch copy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=scripts/toolchains.sh
source "$ROOT/scripts/toolchains.sh"
step() { printf '[test-swift] %s\n' "$*" >&2; }

TRIXIE="$CACHE/trixie"
PROC_WAS_MOUNTED=0
if [ -d "$TRIXIE/proc" ] && mountpoint -q "$TRIXIE/proc"; then PROC_WAS_MOUNTED=1; fi
cleanup() {
  if [ $PROC_WAS_MOUNTED -eq 0 ] && [ -d "$TRIXIE/proc" ] && mountpoint -q "$TRIXIE/proc"; then
    umount "$TRIXIE/proc" 2>/dev/null || umount -l "$TRIXIE/proc" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_swift

# shellcheck source=scripts/uniffi.sh
source "$ROOT/scripts/uniffi.sh"
OUT="$ROOT/build/swift"
uniffi_generate swift "$OUT"

MODULE="AmimestrocelDkd"
FFI="${MODULE}FFI"
IN_CHROOT="/work/amimestrocel-build"   # as seen inside the chroot
HOST_DIR="$TRIXIE$IN_CHROOT"

# Copies $1 to $2 only if the content differs (keeps mtimes, so SwiftPM rebuilds only what changed).
install_if_changed() {
  mkdir -p "$(dirname "$2")"
  cmp -s "$1" "$2" || cp -f "$1" "$2"
}
# Makes directory $2 hold exactly the files $3.. (by base name), copying changed ones; its
# subdirectories are left alone (each is synced by its own call).
sync_files() {
  local dir="$1" f name keep=()
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    name=$(basename "$f")
    keep+=("$name")
    install_if_changed "$f" "$dir/$name"
  done
  for f in "$dir"/*; do
    [ -e "$f" ] || continue
    [ -d "$f" ] && continue
    name=$(basename "$f")
    [[ " ${keep[*]} " == *" $name "* ]] || rm -f "$f"
  done
}

mapfile -t TESTS < <(find "$ROOT/tests/swift" -maxdepth 1 -name '*.swift' | sort)
[ ${#TESTS[@]} -gt 0 ] || { echo "no Swift tests in tests/swift" >&2; exit 1; }
# README.md's ```swift blocks, one test each (none yet is not an error).
README_TEST="$(readme_test_file swift "$OUT/readme/ReadmeTests.swift" "$ROOT")"
[ -z "$README_TEST" ] || TESTS+=("$README_TEST")
for f in "$OUT/gen/$MODULE.swift" "$OUT/gen/$FFI.h" "$OUT/gen/$FFI.modulemap"; do
  [ -f "$f" ] || { echo "uniffi did not generate $f" >&2; exit 1; }
done

step "assembling the SwiftPM package in build/swift/package"
PKG="$OUT/package"
cat >"$OUT/Package.swift" <<EOF
// swift-tools-version:5.9
// Written by scripts/test-swift.sh: the uniffi-generated Swift bindings and their XCTests.
import PackageDescription

let libDir = "$IN_CHROOT/lib"

let package = Package(
    name: "$MODULE",
    products: [.library(name: "$MODULE", targets: ["$MODULE"])],
    targets: [
        .systemLibrary(name: "$FFI", path: "Sources/$FFI"),
        .target(
            name: "$MODULE",
            dependencies: ["$FFI"],
            path: "Sources/$MODULE",
            linkerSettings: [
                .linkedLibrary("amimestrocel_dkd_mobile"),
                .unsafeFlags(["-L\(libDir)", "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .testTarget(name: "${MODULE}Tests", dependencies: ["$MODULE"], path: "Tests/${MODULE}Tests"),
    ]
)
EOF
install_if_changed "$OUT/Package.swift" "$PKG/Package.swift"
install_if_changed "$OUT/gen/$FFI.h" "$PKG/Sources/$FFI/$FFI.h"
install_if_changed "$OUT/gen/$FFI.modulemap" "$PKG/Sources/$FFI/module.modulemap"
install_if_changed "$OUT/gen/$MODULE.swift" "$PKG/Sources/$MODULE/$MODULE.swift"
# The hand-written Swift of the module (CalendarDate), next to the generated file.
for f in "$ROOT"/bindings-mobile/swift/*.swift; do install_if_changed "$f" "$PKG/Sources/$MODULE/$(basename "$f")"; done
sync_files "$PKG/Tests/${MODULE}Tests" "${TESTS[@]}"

step "copying the package, library and vectors into the chroot ($IN_CHROOT)"
mkdir -p "$HOST_DIR/package"
install_if_changed "$PKG/Package.swift" "$HOST_DIR/package/Package.swift"
sync_files "$HOST_DIR/package/Sources/$FFI" "$PKG/Sources/$FFI/$FFI.h" "$PKG/Sources/$FFI/module.modulemap"
sync_files "$HOST_DIR/package/Sources/$MODULE" "$PKG/Sources/$MODULE/$MODULE.swift" "$ROOT"/bindings-mobile/swift/*.swift
sync_files "$HOST_DIR/package/Tests/${MODULE}Tests" "$PKG/Tests/${MODULE}Tests"/*.swift
sync_files "$HOST_DIR/lib" "$MOBILE_LIB_DIR/$MOBILE_LIB_FILE"
sync_files "$HOST_DIR/vectors" "$ROOT"/tests/vectors/*.json
sync_files "$HOST_DIR/vectors/eligibility" "$ROOT"/tests/vectors/eligibility/*.json
sync_files "$HOST_DIR/vectors/schedule" "$ROOT"/tests/vectors/schedule/*.json
sync_files "$HOST_DIR/vectors/instruments" "$ROOT"/tests/vectors/instruments/*.json
sync_files "$HOST_DIR/vectors/endpoints" "$ROOT"/tests/vectors/endpoints/*.json

step "swift test (in the trixie chroot)"
rc=0
chroot_run env AMIMESTROCEL_VECTORS="$IN_CHROOT/vectors" LD_LIBRARY_PATH="$IN_CHROOT/lib" \
  bash -c "cd '$IN_CHROOT/package' && swift test 2>&1" | tee "$OUT/swift-test.log" || rc=$?
# `tee` keeps the log; the exit status is swift's (pipefail), and a log without XCTest's summary
# line also counts as a failure.
if [ $rc -ne 0 ] || ! grep -qE 'Executed [0-9]+ tests?, with 0 failures' "$OUT/swift-test.log"; then
  step "FAILED (swift test exit code $rc)"
  exit $(( rc == 0 ? 1 : rc ))
fi
step "summary: $(grep -E 'Executed [0-9]+ tests?' "$OUT/swift-test.log" | tail -n1 | sed 's/^[[:space:]]*//')"
step "all Swift tests passed"
