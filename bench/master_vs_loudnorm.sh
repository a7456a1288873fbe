#!/usr/bin/env bash
# `lathe master --target -14 --ceiling -1` against ffmpeg's two-pass loudnorm to the same target
# (what a user would otherwise script), on the same 4-minute 44.1 kHz 24-bit stereo recording
# (bench/fetch_music.sh), in one run. Reports wall times (best of N), their ratio, each output's
# integrated loudness and true peak (measured by libebur128: build/bin/ebur128_measure) and lathe's
# peak memory against the decoded file size in float.
#   bench/master_vs_loudnorm.sh [RUNS]   (default 3)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-3}
build="$root/build"
[[ -x "$build/bin/lathe" && -x "$build/bin/ebur128_measure" ]] || "$root/scripts/setup.sh" "$build" Release
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
music=$("$root/bench/fetch_music.sh")
input="$music/track-4min-44k1-24.wav"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
best() { sort -g | head -1; }

run_lathe() { "$build/bin/lathe" master "$input" -o "$work/lathe.wav" --target -14 --ceiling -1 --quiet; }
run_loudnorm() {
  local stats measured
  stats=$(ffmpeg -nostdin -hide_banner -i "$input" -af loudnorm=I=-14:TP=-1:LRA=20:print_format=json -f null - 2>&1 |
          sed -n '/^{/,/^}/p')
  field() { sed -n "s/.*\"$1\" : \"\([^\"]*\)\".*/\1/p" <<<"$stats"; }
  measured="measured_I=$(field input_i):measured_TP=$(field input_tp):measured_LRA=$(field input_lra)"
  measured+=":measured_thresh=$(field input_thresh):offset=$(field target_offset)"
  ffmpeg -nostdin -hide_banner -v error -y -i "$input" \
    -af "loudnorm=I=-14:TP=-1:LRA=20:$measured:linear=true" -ar 44100 -c:a pcm_s24le "$work/loudnorm.wav"
}

lathe_times=() loudnorm_times=()
for ((i = 0; i < runs; i++)); do  # alternate, so both see the same machine load
  t0=$(now); run_lathe; t1=$(now); run_loudnorm; t2=$(now)
  lathe_times+=("$(awk "BEGIN{print $t1 - $t0}")") loudnorm_times+=("$(awk "BEGIN{print $t2 - $t1}")")
done
lathe_best=$(printf '%s\n' "${lathe_times[@]}" | best)
loudnorm_best=$(printf '%s\n' "${loudnorm_times[@]}" | best)
peak_kib=$(/usr/bin/time -f %M "$build/bin/lathe" master "$input" -o "$work/mem.wav" --target -14 --ceiling -1 --quiet 2>&1 >/dev/null | tail -1)
frames=$(ffprobe -v error -show_entries stream=duration_ts -of csv=p=0 "$input")
decoded_kib=$(( frames * 2 * 4 / 1024 ))

echo "input: $input (4 min, 44.1 kHz 24-bit stereo, real music)"
printf '%-10s %8s %10s %12s %12s\n' tool wall_s "" integrated true_peak
for tool in lathe loudnorm; do
  m=$("$build/bin/ebur128_measure" "$work/$tool.wav")
  t=$([[ $tool == lathe ]] && echo "$lathe_best" || echo "$loudnorm_best")
  printf '%-10s %8.2f %10s %s\n' "$tool" "$t" "" "$m"
done
printf 'speed: lathe is %.1fx faster than ffmpeg loudnorm (two-pass), best of %d\n' "$(awk "BEGIN{print $loudnorm_best / $lathe_best}")" "$runs"
printf 'memory: lathe peak %d MiB = %.1fx the decoded file in float (%d MiB)\n' $((peak_kib / 1024)) "$(awk "BEGIN{print $peak_kib / $decoded_kib}")" $((decoded_kib / 1024))
