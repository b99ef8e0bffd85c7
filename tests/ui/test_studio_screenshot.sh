#!/usr/bin/env bash
# synthface-studio --screenshot FILE saves a PNG of the window and exits 0; a path it
# cannot write gives a message naming the file and a non-zero exit.
# usage: test_studio_screenshot.sh PATH/TO/synthface-studio
set -uo pipefail
studio=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$studio" --screenshot "$dir/shot.png" || { echo "FAIL: studio exited $?"; exit 1; }
magic=$(head -c 8 "$dir/shot.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = 89504e470d0a1a0a ] || { echo "FAIL: $dir/shot.png is not a PNG"; exit 1; }

out=$("$studio" --screenshot "$dir/missing/shot.png" 2>&1); rc=$?
[ $rc -ne 0 ] || { echo "FAIL: writing into a missing folder exited 0"; exit 1; }
grep -q "$dir/missing/shot.png" <<<"$out" || { echo "FAIL: message names no file: $out"; exit 1; }
echo "studio screenshot: 2 passed, 0 failed"
