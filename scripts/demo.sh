#!/usr/bin/env bash
# Quick start, main job: set up, build, and run lathe on its built-in demo mix.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh" "$root/build" Release
lathe="$root/build/bin/lathe"
mkdir -p "$root/out"
"$lathe" demo-mix "$root/out/demo-mix.wav"
"$lathe" analyze "$root/out/demo-mix.wav"
# (master is added by its issue)
