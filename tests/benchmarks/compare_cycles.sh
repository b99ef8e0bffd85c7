#!/usr/bin/env bash
# SynthFace's path tracer against Blender's Cycles (Debian: blender) on the same head scene
# at equal samples per pixel. Not a test: a benchmark, run by hand.
#   tests/benchmarks/compare_cycles.sh BUILD_DIR [SPP]
set -euo pipefail
build=$1
spp=${2:-64}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
"$build/app/synthface" model export --level 2 --targets none --out "$dir/head.obj" >/dev/null
"$build/tests/bench_render" --environment studio_softbox "$dir/env.exr"
echo "synthface:"
"$build/tests/bench_render" --head-only "$spp" "$dir/synthface.png"
echo "cycles:"
blender -b --factory-startup -P "$here/cycles_head.py" -- "$dir/head.obj" "$dir/env.exr" \
  "$dir/cycles.png" "$spp" 2>&1 | grep -E '^cycles:|Error' || true
cp "$dir/synthface.png" "$dir/cycles.png" "${COMPARE_OUT:-/tmp}/" 2>/dev/null || true
