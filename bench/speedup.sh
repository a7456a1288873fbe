#!/usr/bin/env bash
# Google Benchmark figures of this tree against those of an earlier commit, alternating the two
# binaries so that both see the same machine load (this shared machine's runs drift by about ±5 %).
# The earlier commit's sources are exported with `git archive` into BUILD_DIR/speedup-base
# (nothing in the work tree changes), with this tree's copy of BENCH_FILE, and built there (ccache
# makes it quick). Reports each benchmark's best (minimum) CPU time per stereo frame of RUNS runs.
#   bench/speedup.sh [BASE_COMMIT] [RUNS] [FILTER] [BENCH_FILE]
#     defaults: 8815df0 (the last commit before the limiter speed work), 3, TruePeakLimiter,
#               limiter_bench.cpp
#   bench/speedup.sh fc16a1a~1 3 'BM_DefaultChain$|ChainStage' chain_bench.cpp
#     (run in a checkout of fc16a1a: one of the chain speed-ups in docs/BENCHMARKS.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${1:-8815df0}
runs=${2:-3}
filter=${3:-TruePeakLimiter}
bench_file=${4:-limiter_bench.cpp}
build="$root/build"
[[ -x "$build/bin/lathe_benchmarks" ]] || { echo "speedup: build lathe_benchmarks first (cmake --build build --target lathe_benchmarks)" >&2; exit 1; }
src="$build/speedup-base/src"
if [[ ! -f "$src/.commit" || $(cat "$src/.commit") != "$(git -C "$root" rev-parse "$base")" ]]; then
  rm -rf "$src" && mkdir -p "$src"
  git -C "$root" archive "$base" | tar -x -C "$src"
  git -C "$root" rev-parse "$base" > "$src/.commit"
fi
cp "$root/bench/$bench_file" "$src/bench/$bench_file"
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$src/build" -j2 --target lathe_benchmarks >/dev/null
# The per-frame counter: ns_per_stereo_frame (limiter, meters) or per_frame (chain).
run() {
  "$1" --benchmark_filter="$filter" 2>/dev/null | awk '/^BM_/ { for (i = 1; i <= NF; i++) if ($i ~ /^(ns_)?per_(stereo_)?frame=/) { sub(/^[a-z_]*=/, "", $i); sub(/ns$/, "", $i); print $1, $i } }'
}
declare -A before after
for ((r = 0; r < runs; r++)); do
  while read -r name value; do before[$name]+="$value "; done < <(run "$src/build/bin/lathe_benchmarks")
  while read -r name value; do after[$name]+="$value "; done < <(run "$build/bin/lathe_benchmarks")
done
best() { tr ' ' '\n' | grep -v '^$' | sort -g | head -1; }
echo "ns per stereo frame (CPU time, best of $runs), $base -> this tree; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %10s %8s\n' benchmark before after speedup
for name in $(printf '%s\n' "${!after[@]}" | sort); do
  b=$(best <<<"${before[$name]:-}") a=$(best <<<"${after[$name]}")
  [[ -n $b ]] && printf '%-28s %10.1f %10.1f %7.1fx\n' "$name" "$b" "$a" "$(awk "BEGIN{print $b / $a}")"
done
