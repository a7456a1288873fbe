#!/usr/bin/env bash
# `lathe analyze --json` (everything: loudness, LRA, true peak, QC figures, spectrum, DR) against a
# libebur128 reference measurement (bench/peers/ebur128_measure: integrated + LRA + true peak only),
# on ONE 4-minute 44.1 kHz 24-bit stereo file of real music (prepared by bench/fetch_music.sh from
# Debian's singularity-music; falls back to `lathe demo-mix --seconds 240` if no package is reachable).
#   bench/analyze_vs_libebur128.sh [BUILD_DIR] [RUNS]       (defaults: build, 5)
# Runs the two tools alternately RUNS times, reports the best wall time of each, the ratio, peak
# memory (/usr/bin/time -v), and both tools' figures side by side.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build"}
runs=${2:-5}

if [[ ! -x /usr/bin/time ]]; then
  echo "analyze_vs_libebur128: installing package 'time' for peak-memory figures" >&2
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq time >/dev/null
fi
[[ -f "$build/CMakeCache.txt" ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target lathe_cli ebur128_measure >/dev/null
lathe="$build/bin/lathe"
peer="$build/bin/ebur128_measure"

source_note="real music: Debian singularity-music, 'Aberrations', first 240 s at 44.1 kHz 24-bit (bench/fetch_music.sh)"
if cache=$("$root/bench/fetch_music.sh" "$build/bench-music" 2>/dev/null) && [[ -f "$cache/track-4min-44k1-24.wav" ]]; then
  file="$cache/track-4min-44k1-24.wav"
else
  file="$build/bench-music/demo-mix-4min-44k1-24.wav"
  if [[ ! -f "$file" ]]; then
    mkdir -p "$build/bench-music"
    "$lathe" demo-mix --seconds 240 "$build/bench-music/demo-mix-4min-48k.wav" >/dev/null
    sox "$build/bench-music/demo-mix-4min-48k.wav" -b 24 "$file" rate -v 44100
  fi
  source_note="FALLBACK (no package reachable): lathe demo-mix --seconds 240, resampled to 44.1 kHz 24-bit with sox"
fi

now() { date +%s.%N; }
best_lathe=999999
best_peer=999999
for ((i = 0; i < runs; i++)); do
  t0=$(now); "$lathe" analyze --json "$file" >/dev/null 2>&1; t1=$(now)
  "$peer" "$file" >/dev/null; t2=$(now)
  best_lathe=$(echo "$t0 $t1 $best_lathe" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
  best_peer=$(echo "$t1 $t2 $best_peer" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
done
peak_kib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'; }
mem_lathe=$(peak_kib "$lathe" analyze --json "$file")
mem_peer=$(peak_kib "$peer" "$file")

lathe_json=$("$lathe" analyze --json "$file" 2>/dev/null)
peer_json=$("$peer" "$file")
field() { echo "$1" | grep -o "\"$2\": *[-0-9.eE+null]*" | head -1 | sed 's/.*: *//'; }

echo "file: $file"
echo "      $source_note"
echo "runs: best of $runs (alternating), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %12s %12s\n' "" "lathe" "libebur128"
printf '%-34s %12.3f %12.3f\n' "wall time, best (s)" "$best_lathe" "$best_peer"
printf '%-34s %12s %12s\n' "peak memory (MiB)" "$(awk -v k="$mem_lathe" 'BEGIN {printf "%.1f", k / 1024}')" \
  "$(awk -v k="$mem_peer" 'BEGIN {printf "%.1f", k / 1024}')"
for key in integrated_lufs loudness_range_lu true_peak_dbtp; do
  printf '%-34s %12s %12s\n' "$key" "$(field "$lathe_json" $key | awk '{ if ($1 == "null") print; else printf "%.2f", $1 }')" \
    "$(field "$peer_json" $key)"
done
ratio=$(awk -v a="$best_lathe" -v b="$best_peer" 'BEGIN {printf "%.2f", b / a}')
echo "speed-up (libebur128 time / lathe time): ${ratio}x   (goal: >= 3x)"
