#!/usr/bin/env bash
# `lathe album` on an album of 10 four-minute tracks of real music (bench/fetch_music.sh: Debian's
# singularity-music, tracks 01-10 cut, or looped, to 240 s; 48 kHz 24-bit stereo), streaming target.
#   bench/album_speed.sh [BUILD_DIR] [JOBS_LIST]      (defaults: build, "1 2")
# Measured in the same run, each with /usr/bin/time -v (wall time, peak resident memory):
#   lathe master x 10   the peer: the ten tracks mastered one after the other by `lathe master`;
#   lathe album --jobs N for each N in JOBS_LIST (album analysis, shared decisions, N tracks at once).
# Prints a table with the speedup of each against `--jobs 1`, and checks that every --jobs gives
# the same bytes. For scale: the whole album decoded at once would be 10 x 240 s x 48 kHz x 2 ch x
# 4 bytes = 922 MB of float.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build"}
jobs_list=${2:-"1 2"}
[[ -x /usr/bin/time ]] || { echo "album_speed: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }
[[ -f "$build/CMakeCache.txt" ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j 2 --target lathe_cli >/dev/null
lathe="$build/bin/lathe"
cache=$("$root/bench/fetch_music.sh" "$build/bench-music")
album="$cache/album-4min"
mkdir -p "$album"
for n in $(seq -w 1 10); do
  [[ -f "$cache/tracks/$n.wav" ]] || { echo "album_speed: $cache/tracks/$n.wav missing (bench/fetch_music.sh failed)" >&2; exit 1; }
  [[ -f "$album/$n.wav" ]] || ffmpeg -nostdin -v error -y -stream_loop -1 -i "$cache/tracks/$n.wav" -t 240 -c:a pcm_s24le "$album/$n.wav"
done
inputs=("$album"/??.wav)
work="$build/album-speed"
rm -rf "$work" && mkdir -p "$work"

# Runs a command under /usr/bin/time -v; prints "WALL_SECONDS PEAK_KB".
measure() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s}
              /Maximum resident set size/ {rss = $2}
              END {printf "%.2f %d\n", wall, rss}' "$log"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A wall peak
total=0 peer_peak=0
mkdir -p "$work/master"
for input in "${inputs[@]}"; do
  read -r w p < <(measure "$lathe" master "$input" -o "$work/master/$(basename "$input")" --quiet)
  total=$(awk -v a="$total" -v b="$w" 'BEGIN {print a + b}')
  (( p > peer_peak )) && peer_peak=$p
done
for j in $jobs_list; do
  read -r wall[$j] peak[$j] < <(measure "$lathe" album "${inputs[@]}" --out-dir "$work/jobs$j" --jobs "$j" --quiet)
done

first=${jobs_list%% *}
echo "album: 10 tracks x 240 s, 48 kHz 24-bit stereo (singularity-music 01-10), target streaming"
echo "machine: $(nproc) hardware threads; load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %9s %14s %16s\n' "" "wall s" "peak RSS MB" "speedup vs j$first"
printf '%-34s %9.1f %14.0f %16.2f\n' "lathe master x 10 (one at a time)" "$total" "$(awk -v k="$peer_peak" 'BEGIN {print k / 1024}')" \
  "$(awk -v a="${wall[$first]}" -v b="$total" 'BEGIN {print a / b}')"
for j in $jobs_list; do
  printf '%-34s %9.1f %14.0f %16.2f\n' "lathe album --jobs $j" "${wall[$j]}" "$(awk -v k="${peak[$j]}" 'BEGIN {print k / 1024}')" \
    "$(awk -v a="${wall[$first]}" -v b="${wall[$j]}" 'BEGIN {print a / b}')"
done
for j in $jobs_list; do
  for f in "$work/jobs$first"/*.wav; do
    cmp -s "$f" "$work/jobs$j/$(basename "$f")" || { echo "DIFFERENT BYTES: $(basename "$f") with --jobs $j" >&2; exit 1; }
  done
done
echo "outputs: identical bytes for every --jobs"
