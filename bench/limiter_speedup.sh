#!/usr/bin/env bash
# The limiter benchmarks (bench/limiter_bench.cpp) of this tree against those of an earlier commit,
# alternating the two binaries so that both see the same machine load. The earlier commit's sources
# are exported with `git archive` into BUILD_DIR/limiter-base (nothing in the work tree changes),
# with this tree's bench/limiter_bench.cpp, and built there (ccache makes it quick).
#   bench/limiter_speedup.sh [BASE_COMMIT] [RUNS]   (defaults: 8815df0, the last commit before the
#                                                     limiter speed work; 3 runs)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${1:-8815df0}
runs=${2:-3}
build="$root/build"
[[ -x "$build/bin/lathe_benchmarks" ]] || { echo "limiter_speedup: build lathe_benchmarks first (cmake --build build --target lathe_benchmarks)" >&2; exit 1; }
src="$build/limiter-base/src"
if [[ ! -f "$src/.commit" || $(cat "$src/.commit") != "$(git -C "$root" rev-parse "$base")" ]]; then
  rm -rf "$src" && mkdir -p "$src"
  git -C "$root" archive "$base" | tar -x -C "$src"
  git -C "$root" rev-parse "$base" > "$src/.commit"
fi
cp "$root/bench/limiter_bench.cpp" "$src/bench/limiter_bench.cpp"
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$src/build" -j2 --target lathe_benchmarks >/dev/null
filter='TruePeakLimiter'
run() { "$1" --benchmark_filter="$filter" 2>/dev/null | awk '/^BM_/ { for (i = 1; i <= NF; i++) if ($i ~ /^ns_per_stereo_frame=/) { sub(/ns_per_stereo_frame=/, "", $i); sub(/ns$/, "", $i); print $1, $i } }'; }
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
