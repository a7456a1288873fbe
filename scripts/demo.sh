#!/usr/bin/env bash
# Quick start, main job: set up, build, and master lathe's built-in demo mix (before/after summary).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh" "$root/build" Release
lathe="$root/build/bin/lathe"
mkdir -p "$root/out"
"$lathe" demo-mix "$root/out/demo-mix.wav"
"$lathe" master "$root/out/demo-mix.wav" -o "$root/out/demo-master.wav" --target streaming \
  --report "$root/out/demo-master.json"
echo "master: $root/out/demo-master.wav, report: $root/out/demo-master.json"
