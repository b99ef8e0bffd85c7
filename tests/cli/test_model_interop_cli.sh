#!/usr/bin/env bash
# synthface model register|import as a user runs them.
# usage: test_model_interop_cli.sh PATH/TO/synthface SOURCE_DIR
set -uo pipefail
synthface=$1
source_dir=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0 passes=0
check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

# A head of another topology: the built-in head refined once, written as OBJ.
"$synthface" model export --targets none --level 1 --out "$dir/head.obj" 2>/dev/null
check "export exits 0" test $? -eq 0

out=$("$synthface" model register "$dir/head.obj" --out "$dir/head.sfm" \
  --mesh-out "$dir/registered.obj" 2>"$dir/err"); rc=$?
check "register exits 0" test $rc -eq 0
check "register shows progress" grep -q "non-rigid" "$dir/err"
check "register reports residuals" grep -q "^registration: mean" <<<"$out"
face_mean=$(sed -n 's/^face: mean \([0-9.]*\) mm.*/\1/p' <<<"$out")
check "face fits within 1 mm on average" awk -v m="$face_mean" 'BEGIN { exit !(m < 1.0) }'
check "report per region" grep -q "^  nose " <<<"$out"
info=$("$synthface" model info "$dir/head.sfm"); rc=$?
check "registered model loads" test $rc -eq 0
check "registered model has 70 landmarks" grep -q "^landmarks: *70" <<<"$info"
check "registered surface written" grep -q '^f ' "$dir/registered.obj"

"$synthface" model register "$dir/head.obj" --topology model --out "$dir/scan.sfm" >/dev/null 2>&1
check "register --topology model exits 0" test $? -eq 0

err=$("$synthface" model register "$dir/missing.obj" --out "$dir/x.sfm" 2>&1); rc=$?
check "missing mesh exits 2" test $rc -eq 2
check "missing mesh named" grep -q "$dir/missing.obj: no such file" <<<"$err"
check "nothing written for a failure" test ! -e "$dir/x.sfm"
err=$("$synthface" model register "$dir/head.obj" --units feet --out "$dir/x.sfm" 2>&1); rc=$?
check "bad units exit 2" test $rc -eq 2
check "bad units named" grep -q -- "--units: expected mm, cm, dm or m, got 'feet'" <<<"$err"
err=$("$synthface" model import "$dir/nothing" --out "$dir/x.sfm" 2>&1); rc=$?
check "missing import exits 2" test $rc -eq 2
check "missing import named" grep -q "$dir/nothing: no such file or folder" <<<"$err"

# A rigged head in glTF, with its morph targets and skin, back as a model.
"$synthface" model export --targets expressions --level 0 --out "$dir/rig.glb" 2>/dev/null
out=$("$synthface" model import "$dir/rig.glb" --out "$dir/rig.sfm" 2>/dev/null); rc=$?
check "glTF import exits 0" test $rc -eq 0
check "glTF import named" grep -q "^imported glTF" <<<"$out"
check "glTF import keeps the expressions" grep -q "^expressions: *42" <<<"$out"
check "glTF import reports the fit" grep -q "^face: mean" <<<"$out"
echo '{"expressions": ["jawOpenn"]}' >"$dir/bad.json"
err=$("$synthface" model import "$dir/rig.glb" --sidecar "$dir/bad.json" --out "$dir/x.sfm" 2>&1); rc=$?
check "bad sidecar exits 2" test $rc -eq 2
check "bad sidecar named" grep -q "$dir/bad.json" <<<"$err"

makehuman="$source_dir/../shared/thirdparty/makehuman/data"
if [ -d "$makehuman" ]; then
  out=$("$synthface" model import "$makehuman" --out "$dir/mh.sfm" 2>/dev/null); rc=$?
  check "MakeHuman import exits 0" test $rc -eq 0
  check "MakeHuman import named" grep -q "^imported MakeHuman hm08" <<<"$out"
  check "MakeHuman has 34 + reference expressions" grep -q "^expressions: *76" <<<"$out"
  "$synthface" model sheet "$dir/mh.sfm" --count 1 --size 64 --out "$dir/mh.png" 2>/dev/null
  check "MakeHuman model renders a sheet" test $? -eq 0
else
  echo "SKIP: ../shared/thirdparty/makehuman is absent: MakeHuman import not tested"
fi

echo "$passes passed, $failures failed"
test $failures -eq 0
