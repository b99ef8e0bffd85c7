#!/usr/bin/env bash
# synthface library create|import|list|info|check|thumbnails|sheet as a user runs them.
# usage: test_library_cli.sh PATH/TO/synthface
set -uo pipefail
synthface=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME=$dir/data  # the user library lives here, not in the tester's home
failures=0 passes=0
check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

# A tiny mesh and a tiny image to import (a PPM is not an accepted format; OBJ and PNG are).
printf 'v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n' > "$dir/cap.obj"
printf 'not an image' > "$dir/broken.png"

out=$("$synthface" library create "$dir/lib" 2>&1); rc=$?
check "create exits 0" test $rc -eq 0
check "create names the index" grep -q "$dir/lib/library.json" <<<"$out"

out=$("$synthface" library import headwear "$dir/cap.obj" --licence CC0-1.0 --tags cap,casual \
  --library "$dir/lib" 2>&1); rc=$?
check "import exits 0" test $rc -eq 0
check "import names the id" grep -q "imported headwear/cap" <<<"$out"

out=$("$synthface" library list --library "$dir/lib"); rc=$?
check "list shows the asset" grep -q "^headwear/cap  headwear  CC0-1.0  \[cap, casual\]$" <<<"$out"
out=$("$synthface" library list --builtin --kind environment --library "$dir/lib")
check "list --builtin shows built-in environments" grep -q "^builtin/environment/overcast" <<<"$out"

out=$("$synthface" library info headwear/cap --library "$dir/lib"); rc=$?
check "info shows the file and hash" grep -q "assets/headwear/cap/cap.obj .* fnv1a64:" <<<"$out"

out=$("$synthface" library check --library "$dir/lib" 2>&1); rc=$?
check "check passes" test $rc -eq 0

# Bad input: no licence, a broken file, an unknown kind; nothing is added.
out=$("$synthface" library import headwear "$dir/cap.obj" --name other --library "$dir/lib" 2>&1)
rc=$?
check "no licence fails" test $rc -ne 0
check "no licence is named" grep -q "licence" <<<"$out"
out=$("$synthface" library import skin "$dir/broken.png" --licence CC0-1.0 --library "$dir/lib" 2>&1)
rc=$?
check "broken image fails naming the file" grep -q "broken.png" <<<"$out"
out=$("$synthface" library list --library "$dir/lib")
check "nothing was added" test "$(wc -l <<<"$out")" -eq 1

# A changed file is found by check, which exits 1 naming the file.
echo "f 1 2 3" >> "$dir/lib/assets/headwear/cap/cap.obj"
out=$("$synthface" library check --library "$dir/lib" 2>&1); rc=$?
check "check fails on a changed file" test $rc -eq 1
check "check names the file" grep -q "assets/headwear/cap/cap.obj" <<<"$out"

# Expressions: one file of weights, read before it is copied in; a recipe names it by id.
cat > "$dir/gape.json" <<'JSON'
{"format": "synthface-expression", "version": 1, "shapes": {"jawOpen": 0.8, "browInnerUp": 0.5}}
JSON
out=$("$synthface" library import expression "$dir/gape.json" --licence CC0-1.0 \
  --library "$dir/lib" 2>&1); rc=$?
check "expression import exits 0" test $rc -eq 0
check "expression import says how to show it" \
  grep -q '"expression": {"preset": "expression/gape"}' <<<"$out"
out=$("$synthface" library info expression/gape --library "$dir/lib")
check "info lists the weights" grep -q "^shape      jawOpen  0.8$" <<<"$out"
check "the expression has a thumbnail" test -s "$dir/lib/thumbnails/expression/gape.png"
printf '{"format": "synthface-expression", "version": 1, "shapes": {"jawOpen": 2}}' > "$dir/bad.json"
out=$("$synthface" library import expression "$dir/bad.json" --licence CC0-1.0 \
  --library "$dir/lib" 2>&1); rc=$?
check "a bad weight fails naming the file and field" \
  grep -q "bad.json: /shapes/jawOpen: a weight must be between 0 and 1" <<<"$out"
cat > "$dir/recipe.json" <<JSON
{"schemaVersion": 2, "name": "gapes", "library": "$dir/lib/library.json",
 "expression": {"neutral": false, "preset": "expression/gape"}}
JSON
out=$("$synthface" sample "$dir/recipe.json" --json); rc=$?
check "a recipe shows the library expression" \
  python3 -c 'import json,sys; e=json.loads(sys.argv[1])["expression"]; sys.exit(e["jawOpen"] != 0.8)' "$out"
out=$("$synthface" validate "$dir/recipe.json" --set expression.preset=expression/gap 2>&1); rc=$?
check "an unknown expression id is an error with a hint" \
  grep -q 'no expression "expression/gap" in the library or the built-ins; did you mean "expression/gape"' <<<"$out"
mhpose=${SF_SOURCE_DIR:-$(dirname "$0")/../..}/../shared/thirdparty/makehuman/data/expressions/laugh01.mhpose
if [ -f "$mhpose" ]; then
  out=$("$synthface" library import expression "$mhpose" --licence CC0-1.0 --library "$dir/lib" 2>&1)
  check "a MakeHuman expression imports" grep -q "imported expression/laugh01" <<<"$out"
  out=$("$synthface" library info expression/laugh01 --library "$dir/lib")
  check "its pose units became blendshapes" grep -q "^shape      mouthSmileLeft" <<<"$out"
else
  echo "SKIP: MakeHuman expressions not found ($mhpose)"
fi

# Without --library: the user library under XDG_DATA_HOME, made on first use.
out=$("$synthface" library list 2>&1); rc=$?
check "user library starts empty" test $rc -eq 0 -a -z "$out"
check "user library was created" test -f "$dir/data/synthface/library/library.json"

# Built-in thumbnails, rendered into a folder; a second run keeps them. (The built-in head
# comes from the build's test cache, as XDG_CACHE_HOME says.)
out=$("$synthface" library thumbnails --kind eyewear --out "$dir/thumbs" --size 24 --spp 2 2>/dev/null)
rc=$?
check "thumbnails exits 0" test $rc -eq 0
check "thumbnails renders every pair of glasses" test "$(ls "$dir/thumbs/eyewear" | wc -l)" -eq 6
check "thumbnails says what it did" grep -q "^rendered 6, kept 0 into $dir/thumbs$" <<<"$out"
out=$("$synthface" library thumbnails --kind eyewear --out "$dir/thumbs" 2>/dev/null)
check "thumbnails resumes" grep -q "^rendered 0, kept 6" <<<"$out"
out=$("$synthface" library thumbnails --kind environment --out "$dir/thumbs" 2>&1); rc=$?
check "thumbnails of a painted kind is an error" test $rc -ne 0
check "the error names the option" grep -q "kind" <<<"$out"

# A contact sheet of the built-ins on identities, front and three-quarters.
out=$("$synthface" library sheet --kind eyewear --identities 2 --size 24 --spp 1 \
  --out "$dir/sheet.png" 2>/dev/null); rc=$?
check "sheet exits 0" test $rc -eq 0
check "sheet says what it holds" grep -q "6 assets, 2 identities" <<<"$out"
check "sheet is written" test -s "$dir/sheet.png"
out=$("$synthface" library sheet --kind eyewear 2>&1); rc=$?
check "sheet without --out is an error naming it" test $rc -ne 0 -a -n "$(grep -- --out <<<"$out")"

echo "$passes passed, $failures failed"
test $failures -eq 0
