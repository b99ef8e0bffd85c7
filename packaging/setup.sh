#!/usr/bin/env bash
# The README's two commands.
#   packaging/setup.sh run    install what is missing, build (Release), start the studio;
#                             with no display, render headless into a folder it prints
#   packaging/setup.sh test   install what is missing, build with tests, run every test
# Both are idempotent: a second run installs nothing and rebuilds only what changed
# (ccache keeps compiled objects across clean clones).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in
  run) preset=release ;;
  test) preset=ci ;;
  *)
    echo "usage: packaging/setup.sh run|test" >&2
    exit 2
    ;;
esac

packaging/install-deps.sh

echo "setup: building (preset $preset)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
bin="build/$preset/app"

if [ "$mode" = test ]; then
  # ctest runs the GUI tests on an Xvfb of its own (tests/xvfb.sh).
  exec ctest --preset ci --parallel "$(nproc)"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$bin/synthface-studio"
fi

# No display: the headless job. Renders the default recipe's first 16 samples as a
# FaceSynthetics dataset (images, segmentation, landmarks and side files); run again, it
# resumes where it stopped.
out="$PWD/out/first-run"
mkdir -p "$out"
echo "setup: no display; rendering the default recipe into $out/dataset"
"$bin/synthface" sysinfo | tee "$out/sysinfo.txt"
"$bin/synthface" render resources/recipes/default.json --out "$out/dataset" --count 16 --resume
state="$PWD/build/$preset/xvfb-state"
tests/xvfb.sh start "$state" >/dev/null
trap 'tests/xvfb.sh stop "$state" >/dev/null' EXIT
tests/xvfb.sh run "$state" "$bin/synthface-studio" --screenshot "$out/studio.png"
echo "setup: done; the dataset is in $out/dataset (manifest.json lists every sample)"
