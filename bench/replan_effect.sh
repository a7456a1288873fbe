#!/usr/bin/env bash
# What planning the dynamics on the rendered pre-limiter signal changes, on real music: every
# singularity-music track (bench/fetch_music.sh) mastered to the streaming target by this tree's
# `lathe` and by an earlier commit's (exported with `git archive` into BUILD_DIR/replan-base and
# built there; nothing in the work tree changes). Per track: the limiter's largest gain reduction,
# whether glue compression and the clipper ran, and the delivered PLR and loudness range.
#   bench/replan_effect.sh [BASE_COMMIT]   (default 9a09a14: the last commit that planned the
#                                            dynamics on the input only)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${1:-9a09a14}
build="$root/build"
[[ -x "$build/bin/lathe" ]] || { echo "replan_effect: build lathe first (scripts/setup.sh)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "replan_effect: python3 is required (apt-get install python3)" >&2; exit 1; }
music=$("$root/bench/fetch_music.sh")
src="$build/replan-base/src"
if [[ ! -f "$src/.commit" || $(cat "$src/.commit") != "$(git -C "$root" rev-parse "$base")" ]]; then
  rm -rf "$src" && mkdir -p "$src"
  git -C "$root" archive "$base" | tar -x -C "$src"
  git -C "$root" rev-parse "$base" > "$src/.commit"
fi
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLATHE_BUILD_TESTS=OFF \
  -DLATHE_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
cmake --build "$src/build" -j2 --target lathe_cli >/dev/null
work="$build/replan-effect"
rm -rf "$work" && mkdir -p "$work"
for track in "$music"/tracks/*.wav; do
  name=$(basename "$track" .wav)
  "$src/build/bin/lathe" master "$track" -o "$work/$name-before.wav" --target streaming --report "$work/$name-before.json" -q
  "$build/bin/lathe" master "$track" -o "$work/$name-after.wav" --target streaming --report "$work/$name-after.json" -q
done
python3 - "$work" <<'EOF'
import glob, json, os, sys
work = sys.argv[1]
rows = []
for before_path in sorted(glob.glob(os.path.join(work, "*-before.json"))):
    name = os.path.basename(before_path)[: -len("-before.json")]
    b = json.load(open(before_path))
    a = json.load(open(os.path.join(work, name + "-after.json")))
    def figures(r):
        p = r["plan"]
        return (r["max_limiter_reduction_db"], p["compressor"]["enabled"], p["clipper"]["enabled"],
                r["after"]["plr_db"], r["after"]["loudness_range_lu"], r["after"]["integrated_lufs"], r["after"]["true_peak_dbtp"])
    fb, fa = figures(b), figures(a)
    exp = a["plan"]["limiter"].get("expected_peak_reduction_db")
    rows.append((name, fb, fa, exp))
flag = lambda g, c: ("G" if g else "-") + ("C" if c else "-")
print("track  limiter GR dB  before -> after   glue/clip  before -> after   PLR dB          LRA LU        expected (render)")
for name, fb, fa, exp in rows:
    print(f"{name:>5}  {fb[0]:6.2f} -> {fa[0]:6.2f}              {flag(fb[1], fb[2])} -> {flag(fa[1], fa[2])}         "
          f"{fb[3]:5.2f} -> {fa[3]:5.2f}   {fb[4]:5.2f} -> {fa[4]:5.2f}   {exp:5.2f}")
changed = [r for r in rows if (r[1][1], r[1][2]) != (r[2][1], r[2][2])]
mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
print(f"tracks: {len(rows)}; re-planned (glue or clipper added): {len(changed)}")
print(f"limiter GR, all tracks: mean {mean([r[1][0] for r in rows]):.2f} -> {mean([r[2][0] for r in rows]):.2f} dB, "
      f"max {max(r[1][0] for r in rows):.2f} -> {max(r[2][0] for r in rows):.2f} dB")
if changed:
    print(f"limiter GR, re-planned tracks: mean {mean([r[1][0] for r in changed]):.2f} -> {mean([r[2][0] for r in changed]):.2f} dB; "
          f"PLR mean {mean([r[1][3] for r in changed]):.2f} -> {mean([r[2][3] for r in changed]):.2f} dB; "
          f"LRA mean {mean([r[1][4] for r in changed]):.2f} -> {mean([r[2][4] for r in changed]):.2f} LU")
print(f"delivered: loudness {min(r[2][5] for r in rows):.2f} .. {max(r[2][5] for r in rows):.2f} LUFS, "
      f"true peak max {max(r[2][6] for r in rows):.2f} dBTP")
EOF
