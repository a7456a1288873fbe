#!/usr/bin/env bash
# `lathe album` on an album of 10 four-minute tracks of real music (bench/fetch_music.sh: Debian's
# singularity-music, tracks 01-10 cut, or looped, to 240 s; 48 kHz 24-bit stereo), streaming target.
#   bench/album_speed.sh [BUILD_DIR] [JOBS_LIST]      (defaults: build, "1 2")
# Measured in the same run, each with /usr/bin/time -v (wall time, peak resident memory):
#   lathe master x 10   the peer: the ten tracks mastered one after the other by `lathe master`
#                       (each on its own: no album analysis, no shared tonal target);
#   lathe album --jobs N for each N in JOBS_LIST (album analysis, shared decisions, N tracks at once;
#                       the tonal match to the album's average costs trial renders, see reference.h).
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

# Runs a command under /usr/bin/time -v; prints "WALL_SECONDS PEAK_KB CPU_SECONDS" (CPU = user + system).
measure() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s}
              /Maximum resident set size/ {rss = $2}
              /User time|System time/ {cpu += $2}
              END {printf "%.2f %d %.2f\n", wall, rss, cpu}' "$log"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A wall peak cpu
total=0 peer_peak=0 peer_cpu=0
mkdir -p "$work/master"
for input in "${inputs[@]}"; do
  read -r w p c < <(measure "$lathe" master "$input" -o "$work/master/$(basename "$input")" --quiet)
  total=$(awk -v a="$total" -v b="$w" 'BEGIN {print a + b}')
  peer_cpu=$(awk -v a="$peer_cpu" -v b="$c" 'BEGIN {print a + b}')
  (( p > peer_peak )) && peer_peak=$p
done
for j in $jobs_list; do
  read -r wall[$j] peak[$j] cpu[$j] < <(measure "$lathe" album "${inputs[@]}" --out-dir "$work/jobs$j" --jobs "$j" --quiet)
done

first=${jobs_list%% *}
echo "album: 10 tracks x 240 s, 48 kHz 24-bit stereo (singularity-music 01-10), target streaming"
echo "machine: $(nproc) hardware threads; load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %9s %9s %8s %13s %16s\n' "" "wall s" "CPU s" "CPU %" "peak RSS MB" "wall j$first / this"
row() {  # name wall cpu peak_kb
  printf '%-34s %9.1f %9.1f %8.0f %13.0f %16.2f\n' "$1" "$2" "$3" "$(awk -v c="$3" -v w="$2" 'BEGIN {print 100 * c / w}')" \
    "$(awk -v k="$4" 'BEGIN {print k / 1024}')" "$(awk -v a="${wall[$first]}" -v b="$2" 'BEGIN {print a / b}')"
}
row "lathe master x 10 (one at a time)" "$total" "$peer_cpu" "$peer_peak"
for j in $jobs_list; do row "lathe album --jobs $j" "${wall[$j]}" "${cpu[$j]}" "${peak[$j]}"; done
echo "(CPU % under 100 x jobs means other processes had the cores: the wall-time speedup is then not the code's)"
for j in $jobs_list; do
  for f in "$work/jobs$first"/*.wav; do
    cmp -s "$f" "$work/jobs$j/$(basename "$f")" || { echo "DIFFERENT BYTES: $(basename "$f") with --jobs $j" >&2; exit 1; }
  done
done
echo "outputs: identical bytes for every --jobs"
