#!/usr/bin/env bash
# Builds the uniffi Kotlin bindings (bindings-mobile/) and runs tests/kotlin/*.kt on the JVM
# with JUnit 5 (kotlin.test) and JNA. Prints the JUnit summary; exits non-zero on any failure.
#
# Idempotent; works from a fresh clone and with CARGO_TARGET_DIR anywhere. Work files go to
# build/kotlin/ in the checkout: the native library actually tested (lib/), the generated
# sources (gen/), bindings.jar and the compiled tests. The bindings and the tests are
# recompiled only when their sources (or the Kotlin compiler) change. JUNIT_DETAILS=tree lists
# every test (default: summary, which still names and explains each failure). AMIMESTROCEL_README=FILE
# runs the ```kotlin blocks of FILE instead of README.md (to try a README change on a scratch copy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=scripts/toolchains.sh
source "$ROOT/scripts/toolchains.sh"
ensure_kotlin
ensure_gson

# shellcheck source=scripts/uniffi.sh
source "$ROOT/scripts/uniffi.sh"
OUT="$ROOT/build/kotlin"
step() { printf '[test-kotlin] %s\n' "$*" >&2; }

uniffi_generate kotlin "$OUT"

KOTLINC="$KOTLIN_HOME/bin/kotlinc"
KLIB="$KOTLIN_HOME/lib"
J="$JAVA_LIBS"
mapfile -t GENERATED < <(find "$OUT/gen" -name '*.kt' | sort)
[ ${#GENERATED[@]} -gt 0 ] || { echo "no Kotlin sources generated" >&2; exit 1; }
mapfile -t TESTS < <(find "$ROOT/tests/kotlin" -maxdepth 1 -name '*.kt' | sort)
[ ${#TESTS[@]} -gt 0 ] || { echo "no Kotlin tests in tests/kotlin" >&2; exit 1; }
# README.md's ```kotlin blocks, one test each (none yet is not an error).
README_TEST="$(readme_test_file kotlin "$OUT/readme/ReadmeTest.kt" "$ROOT")"
[ -z "$README_TEST" ] || TESTS+=("$README_TEST")

# Fingerprint of some files plus the compiler, to skip a compile whose inputs did not change.
stamp() { { echo "$KOTLINC $KOTLIN_VERSION"; sha256sum "$@"; } | sha256sum | cut -d' ' -f1; }

BINDINGS_STAMP=$(stamp "${GENERATED[@]}")
if [ -f "$OUT/bindings.jar" ] && [ "$(cat "$OUT/bindings.stamp" 2>/dev/null)" = "$BINDINGS_STAMP" ]; then
  step "bindings.jar is up to date"
else
  step "kotlinc generated bindings -> bindings.jar"
  rm -f "$OUT/bindings.jar" "$OUT/bindings.stamp"
  "$KOTLINC" -nowarn "${GENERATED[@]}" -cp "$J/jna.jar" -d "$OUT/bindings.jar"
  echo "$BINDINGS_STAMP" >"$OUT/bindings.stamp"
fi

# The jar an app on the JVM consumes: the Kotlin bindings and the native library as a JNA
# resource (linux-x86-64/), so no library path is needed; the tests run against it.
PACKAGE_JAR="$OUT/amimestrocel-dkd-kotlin.jar"
PACKAGE_STAMP=$(stamp "$OUT/bindings.jar" "$MOBILE_LIB_DIR/$MOBILE_LIB_FILE")
if [ -f "$PACKAGE_JAR" ] && [ "$(cat "$OUT/package.stamp" 2>/dev/null)" = "$PACKAGE_STAMP" ]; then
  step "amimestrocel-dkd-kotlin.jar is up to date"
else
  step "packaging amimestrocel-dkd-kotlin.jar (bindings + native library for linux-x86-64)"
  rm -f "$PACKAGE_JAR"
  cp "$OUT/bindings.jar" "$PACKAGE_JAR"
  python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a", zipfile.ZIP_DEFLATED) as z: z.write(sys.argv[2], sys.argv[3])' \
    "$PACKAGE_JAR" "$MOBILE_LIB_DIR/$MOBILE_LIB_FILE" "linux-x86-64/$MOBILE_LIB_FILE"
  echo "$PACKAGE_STAMP" >"$OUT/package.stamp"
fi

COMPILE_CP="$OUT/bindings.jar:$J/jna.jar:$J/junit-jupiter-api.jar:$J/junit-platform-commons.jar:$J/opentest4j.jar:$KLIB/kotlin-test.jar:$KLIB/kotlin-test-junit5.jar:$GSON_JAR"
TESTS_STAMP=$(stamp "${TESTS[@]}" "$OUT/bindings.jar")
if [ -d "$OUT/tests" ] && [ "$(cat "$OUT/tests.stamp" 2>/dev/null)" = "$TESTS_STAMP" ]; then
  step "compiled tests are up to date"
else
  step "kotlinc tests/kotlin/*.kt"
  rm -rf "$OUT/tests" "$OUT/tests.stamp"
  "$KOTLINC" "${TESTS[@]}" -cp "$COMPILE_CP" -d "$OUT/tests"
  echo "$TESTS_STAMP" >"$OUT/tests.stamp"
fi

step "JUnit 5 console launcher"
RUN_CP="$OUT/tests:$PACKAGE_JAR:$J/jna.jar:$KLIB/kotlin-stdlib.jar:$KLIB/kotlin-test.jar:$KLIB/kotlin-test-junit5.jar:$GSON_JAR"
rc=0
# No -Djna.library.path: JNA finds the library inside the packaged jar, as in an app.
java -Damimestrocel.vectors="$ROOT/tests/vectors" \
  -jar "$J/junit-platform-console-standalone.jar" \
  --class-path "$RUN_CP" --scan-classpath "$OUT/tests" --include-classname '.*' --fail-if-no-tests \
  --disable-banner --disable-ansi-colors --details="${JUNIT_DETAILS:-summary}" || rc=$?
if [ $rc -ne 0 ]; then
  step "FAILED (JUnit exit code $rc)"
  exit $rc
fi
step "all Kotlin tests passed"
