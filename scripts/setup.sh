#!/usr/bin/env bash
# Installs what is missing (Debian packages only), configures and builds lathe.
#   scripts/setup.sh [BUILD_DIR] [BUILD_TYPE] [extra cmake args...]
# Idempotent: apt-get runs only when a package is missing; the build is incremental.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-"$root/build"}
build_type=${2:-Release}
shift $(( $# > 2 ? 2 : $# ))

packages=(
  g++ cmake ninja-build pkg-config
  libsndfile1-dev libsoxr-dev libfftw3-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libebur128-dev
  libavcodec-dev libavutil-dev
  sox ffmpeg
)
# Extra packages a caller needs on top (scripts/test.sh asks for chromium, for the HTML report test).
read -r -a extra_packages <<< "${LATHE_EXTRA_PACKAGES:-}"
packages+=("${extra_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "lathe setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
