#!/usr/bin/env bash
# synthface model build-identity as a user runs it: scans exported from the built-in head
# as OBJ, identity modes built from them, the model read back.
# usage: test_model_identity_cli.sh PATH/TO/synthface
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

# Six random faces of the built-in head (each seeded face has an identity and often an
# expression), as the control mesh, one OBJ mesh per part; and a file that is no scan.
mkdir "$dir/scans"
for i in 0 1 2 3 4 5; do
  "$synthface" model export --targets none --level 0 --seed 11 --index $i \
    --out "$dir/scans/scan_$i.obj" 2>/dev/null
  check "export scan $i exits 0" test $? -eq 0
done
echo "scans of the built-in head" >"$dir/scans/README.txt"

out=$("$synthface" model build-identity "$dir/scans" --template default --out "$dir/pca.sfm" \
  2>"$dir/err"); rc=$?
check "build-identity exits 0" test $rc -eq 0
check "summary counts the scans" grep -q "^scans: 6 in $dir/scans" <<<"$out"
check "summary names the skin surface" \
  grep -q '^vertices: [0-9]* per scan (skin surface: skin, ear_right, ear_left)' <<<"$out"
kept=$(sed -n 's/^components: \([0-9]*\) kept of 5, explaining \([0-9.]*\)%.*/\1/p' <<<"$out")
check "summary counts the components" test -n "$kept"
check "summary lists the first component" \
  grep -Eq '^  pca_000 +[0-9.]+ +[0-9.]+% +[0-9.]+%$' <<<"$out"
check "summary lists every kept component" \
  test "$(grep -Ec '^  pca_[0-9]{3} ' <<<"$out")" -eq "${kept:-0}"
check "progress on stderr" grep -q 'reading scans: 6/6' "$dir/err"
check "says what it wrote" grep -q "wrote $dir/pca.sfm" "$dir/err"

info=$("$synthface" model info "$dir/pca.sfm"); rc=$?
check "model info reads the model" test $rc -eq 0
check "model has the kept modes" grep -Eq "^identity modes: +${kept:-x}$" <<<"$info"
check "model named for the template" grep -q '^model: *synthface-default-head-pca ' <<<"$info"
check "model keeps the expressions" grep -Eq '^expressions: +42$' <<<"$info"

# Options: at most two modes, a name and a licence.
out=$("$synthface" model build-identity "$dir/scans" --max-modes 2 --variance 0.999 \
  --name my-scans --license CC-BY-4.0 --out "$dir/two.sfm" 2>/dev/null); rc=$?
check "options exit 0" test $rc -eq 0
check "max modes kept" grep -q '^components: 2 kept of 5' <<<"$out"
info=$("$synthface" model info "$dir/two.sfm")
check "two modes in the model" grep -Eq '^identity modes: +2$' <<<"$info"
check "name given" grep -q '^model: *my-scans ' <<<"$info"
check "licence given" grep -q '^licence: *CC-BY-4.0$' <<<"$info"

# A scan of another vertex count (the subdivided head): exit 2, named, nothing written.
"$synthface" model export --targets none --level 1 --out "$dir/scans/scan_9.obj" 2>/dev/null
err=$("$synthface" model build-identity "$dir/scans" --out "$dir/bad.sfm" 2>&1); rc=$?
check "mismatched scan exits 2" test $rc -eq 2
check "mismatched scan named" grep -q \
  "$dir/scans/scan_9.obj: [0-9]* vertices in [0-9]* faces, the template's skin surface has" \
  <<<"$err"
check "no model written on error" test ! -e "$dir/bad.sfm"
rm "$dir/scans/scan_9.obj" "$dir/scans/scan_9.mtl"

# Bad arguments and folders.
err=$("$synthface" model build-identity "$dir/scans" --variance 1.5 --out "$dir/x.sfm" 2>&1)
check "bad variance exits 2" test $? -eq 2
check "bad variance explained" grep -q -- "--variance: expected a number" <<<"$err"
err=$("$synthface" model build-identity "$dir/nowhere" --out "$dir/x.sfm" 2>&1)
check "missing folder exits 2" test $? -eq 2
check "missing folder named" grep -q "$dir/nowhere: no such folder" <<<"$err"
err=$("$synthface" model build-identity "$dir/scans" 2>&1)
check "missing --out exits 2" test $? -eq 2
help=$("$synthface" model build-identity --help)
check "help exits 0" test $? -eq 0
check "help lists the options" grep -q -- '--max-modes' <<<"$help"
help=$("$synthface" model --help 2>&1); rc=$?
check "model help exits 0" test $rc -eq 0
check "model help lists build-identity" \
  grep -q '^  build-identity  *build identity modes by PCA from registered scans$' <<<"$help"

echo "model identity cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
