#!/usr/bin/env bash
# `lathe check` (everything: analysis, overs, dither test, translation, codec previews of MP3 128/320,
# AAC 256, Opus 128 and Vorbis 160) on ONE 4-minute 44.1 kHz 24-bit stereo file of real music
# (bench/fetch_music.sh: Debian's singularity-music, "Aberrations"), pinned to one core (taskset).
#   bench/check_speed.sh [BUILD_DIR] [RUNS]       (defaults: build, 3)
# Peers measured in the same run, on the same core:
#   ffmpeg ebur128   `ffmpeg -af ebur128=peak=true`: decode + loudness + true peak, the least a check does;
#   ffmpeg mp3-320   one full-length LAME 320 kbps encode: what previewing ONE codec over the whole
#                    track would cost (lathe previews five codecs on excerpts; see codec_preview.h).
# Prints the best wall time of each and the ratios; the goal is lathe check < 5 s.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build"}
runs=${2:-3}
[[ -f "$build/CMakeCache.txt" ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target lathe_cli >/dev/null
lathe="$build/bin/lathe"
cache=$("$root/bench/fetch_music.sh" "$build/bench-music")
file="$cache/track-4min-44k1-24.wav"
[[ -f "$file" ]] || { echo "check_speed: $file missing (bench/fetch_music.sh failed)" >&2; exit 1; }
pin=(taskset -c 0)
command -v taskset >/dev/null || pin=()

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN {print (a < b ? a : b)}'; }
best_check=999999 best_loudness=999999 best_mp3=999999
for ((i = 0; i < runs; i++)); do
  t0=$(now); "${pin[@]}" "$lathe" check "$file" --json >"$build/check_speed.json" || [[ $? -eq 1 ]]; t1=$(now)
  "${pin[@]}" ffmpeg -nostdin -v error -threads 1 -i "$file" -af ebur128=peak=true -f null - ; t2=$(now)
  "${pin[@]}" ffmpeg -nostdin -v error -threads 1 -i "$file" -c:a libmp3lame -b:a 320k -f null - ; t3=$(now)
  best_check=$(best "$(elapsed "$t0" "$t1")" "$best_check")
  best_loudness=$(best "$(elapsed "$t1" "$t2")" "$best_loudness")
  best_mp3=$(best "$(elapsed "$t2" "$t3")" "$best_mp3")
done
echo "file: $file (240 s, 44.1 kHz 24-bit stereo)"
echo "runs: best of $runs, pinned to CPU 0; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %8s %12s\n' "" "wall s" "lathe ÷ this"
printf '%-44s %8.3f %10s\n' "lathe check (5 codec previews)" "$best_check" "1.00"
printf '%-44s %8.3f %10.2f\n' "ffmpeg ebur128 (loudness + true peak)" "$best_loudness" "$(awk -v a="$best_check" -v b="$best_loudness" 'BEGIN {print a / b}')"
printf '%-44s %8.3f %10.2f\n' "ffmpeg LAME 320 kbps, whole track" "$best_mp3" "$(awk -v a="$best_check" -v b="$best_mp3" 'BEGIN {print a / b}')"
if command -v python3 >/dev/null; then
  python3 - "$build/check_speed.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
t = report["timing_s"]
print("lathe check stages (s): " + ", ".join(f"{k} {v:.3f}" for k, v in t.items()))
print(f"codec preview: {report['codecs']['previewed_s']:.1f} s of excerpts; verdict {report['verdict']}")
PY
fi
# One run with the whole file previewed by every codec (--codec-full), for comparison.
t0=$(now); "${pin[@]}" "$lathe" check "$file" --json --codec-full >/dev/null || [[ $? -eq 1 ]]; t1=$(now)
printf '%-44s %8.3f %10.2f
' "lathe check --codec-full (one run)" "$(elapsed "$t0" "$t1")" "$(awk -v a="$best_check" -v b="$(elapsed "$t0" "$t1")" 'BEGIN {print a / b}')"
awk -v t="$best_check" 'BEGIN {exit !(t < 5.0)}' && echo "goal (< 5 s): met" || echo "goal (< 5 s): NOT met"
