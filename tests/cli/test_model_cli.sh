#!/usr/bin/env bash
# synthface model info|sheet|export as a user runs them, on the built-in head.
# usage: test_model_cli.sh PATH/TO/synthface
set -uo pipefail
synthface=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0 passes=0
check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

out=$("$synthface" model info); rc=$?
check "model info exits 0" test $rc -eq 0
count() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" <<<"$out"; }
check "at least 64 identity modes" test "$(count 'identity modes')" -ge 64
check "at least 40 expressions" test "$(count 'expressions')" -ge 40
check "70 landmarks" test "$(count 'landmarks')" -eq 70
check "at least 500 dense landmarks" test "$(count 'dense landmarks')" -ge 500
check "lists the joints" grep -q 'joints: *6 (chest, neck, head, jaw, eye_right, eye_left)' <<<"$out"

"$synthface" model sheet --count 2 --size 48 --out "$dir/sheet.png" 2>/dev/null
check "sheet exits 0" test $? -eq 0
magic=$(head -c 8 "$dir/sheet.png" | od -An -tx1 | tr -d ' \n')
check "sheet is a PNG" test "$magic" = 89504e470d0a1a0a

"$synthface" model export --targets none --level 0 --out "$dir/head.obj" 2>/dev/null
check "export obj exits 0" test $? -eq 0
check "obj has faces" grep -q '^f ' "$dir/head.obj"

err=$("$synthface" model info "$dir/missing.sfm" 2>&1); rc=$?
check "missing model exits 2" test $rc -eq 2
check "missing model named" grep -q "$dir/missing.sfm: no such model file" <<<"$err"

head -c 100 "$dir/head.obj" > "$dir/broken.sfm"
err=$("$synthface" model info "$dir/broken.sfm" 2>&1); rc=$?
check "broken model exits 2" test $rc -eq 2
check "broken model named" grep -q "$dir/broken.sfm" <<<"$err"

err=$("$synthface" model sheet --count 0 --out "$dir/x.png" 2>&1); rc=$?
check "bad count exits 2" test $rc -eq 2
check "bad count explained" grep -q -- "--count: expected a whole number from 1 to 1024, got '0'" <<<"$err"

err=$("$synthface" model shet 2>&1); rc=$?
check "unknown subcommand suggests" grep -q "did you mean 'sheet'" <<<"$err"

echo "model cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
