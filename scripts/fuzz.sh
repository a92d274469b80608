#!/usr/bin/env bash
# Fuzz the spec pipeline with cargo fuzz (libFuzzer). Needs the nightly toolchain and
# `cargo install cargo-fuzz`; not part of .ci/run. Crashers found are kept as ordinary
# regression tests in tests/integration/hostile_inputs.rs (none so far).
#
#   scripts/fuzz.sh [TARGET] [SECONDS] [extra libFuzzer flags...]
#
# Seeds the corpus from specs/ and tests/fixtures/ (and a synthetic 20-service spec), then
# runs TARGET (default load_validate_resolve) for SECONDS (default 600) on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-load_validate_resolve}"
secs="${2:-600}"
shift $(( $# > 2 ? 2 : $# ))
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
cp specs/*.yaml "$corpus/"
for f in tests/fixtures/*/*.yaml nexus-render/tests/fixtures/*/*.yaml nexus-lint/tests/fixtures/*/*.yaml; do cp "$f" "$corpus/fixture-$(basename "$(dirname "$f")")-$(basename "$f")"; done
if [ -x target/release/synth ]; then target/release/synth 20 --seed 1 > "$corpus/synth-20.yaml"; fi
cd fuzz
exec cargo +nightly fuzz run "$target" "corpus/$target" -- \
  -dict=yaml.dict -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 "$@"
