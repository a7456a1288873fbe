#!/usr/bin/env bash
# Prepares real music for the benchmarks from a Debian package (no audio is committed to the repo).
#   bench/fetch_music.sh [CACHE_DIR]      (default: build/bench-music)
# Uses Debian's `singularity-music` (the soundtrack of Endgame: Singularity, 48 kHz Ogg Vorbis),
# fetched with `apt-get download` and unpacked with dpkg-deb (nothing is installed), and writes:
#   CACHE_DIR/track-4min-44k1-24.wav   the first 240 s of "Aberrations", 44.1 kHz 24-bit stereo
#   CACHE_DIR/tracks/NN.wav            every track, 48 kHz 24-bit stereo (for album benchmarks)
# Prints CACHE_DIR. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${1:-"$root/build/bench-music"}
mkdir -p "$cache/tracks"
need() { command -v "$1" >/dev/null || { echo "fetch_music: $1 is required (apt-get install $2)" >&2; exit 1; }; }
need ffmpeg ffmpeg
if [[ ! -f "$cache/track-4min-44k1-24.wav" ]]; then
  (cd "$cache" && ls singularity-music_*.deb >/dev/null 2>&1 || apt-get download singularity-music >/dev/null 2>&1 ||
     { apt-get update -qq && apt-get download singularity-music >/dev/null; })
  rm -rf "$cache/pkg" && dpkg-deb -x "$cache"/singularity-music_*.deb "$cache/pkg"
  n=0
  while IFS= read -r -d '' ogg; do
    n=$((n + 1))
    ffmpeg -nostdin -v error -y -i "$ogg" -c:a pcm_s24le "$cache/tracks/$(printf %02d $n).wav"
  done < <(find "$cache/pkg" -name '*.ogg' -print0 | sort -z)
  ffmpeg -nostdin -v error -y -i "$cache/pkg/usr/share/games/singularity/music/Aberrations.ogg" -t 240 \
    -af aresample=44100:resampler=soxr:precision=28 -c:a pcm_s24le "$cache/track-4min-44k1-24.wav"
  rm -rf "$cache/pkg"
fi
echo "$cache"
