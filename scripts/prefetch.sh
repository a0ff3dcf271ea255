#!/usr/bin/env bash
# Fetches the toolchains that are mostly downloads (the Python venvs, the Kotlin compiler and
# Java libraries, the Debian trixie chroot with Swift, Chromium), one after the other, then
# builds, at the lowest priority (they take only the CPU the suites leave idle), uniffi's bindgen,
# cargo-fuzz and the fuzz targets. The test
# command starts it in the background, so that the downloads overlap the Rust builds instead of
# following them; each suite still asks for what it needs (scripts/toolchains.sh), and waits
# for an install under way (its lock) or redoes one that failed here. Prints one line per step.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for step in ensure_venv ensure_spark_venv ensure_pandas3_venv ensure_kotlin ensure_gson ensure_swift \
  "apt_install chromium" 'renice -n 19 $$ >/dev/null && ensure_uniffi_bindgen' \
  'renice -n 19 $$ >/dev/null && ensure_cargo_fuzz' 'renice -n 19 $$ >/dev/null && build_fuzz_targets'; do
  start=$SECONDS
  # A process of its own per step: errexit holds inside it, and one failure stops only its step.
  if bash -c "source '$ROOT/scripts/toolchains.sh' && $step" >/dev/null 2>&1; then
    echo "[prefetch] $step: ready ($((SECONDS - start))s)"
  else
    echo "[prefetch] $step: failed; the suite that needs it will install it and say why"
  fi
done
