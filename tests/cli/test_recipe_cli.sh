#!/usr/bin/env bash
# synthface validate|sample|stats|recipe as a user runs them, on the shipped recipes.
# usage: test_recipe_cli.sh PATH/TO/synthface SOURCE_DIR
set -uo pipefail
synthface=$1
source_dir=$2
recipes=$source_dir/resources/recipes
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0 passes=0
check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
has_line() { grep -qxF -- "$1" <<<"$2"; }

# validate: a good recipe, then one with every kind of problem at once.
out=$("$synthface" validate "$recipes/default.json" 2>&1); rc=$?
check "default recipe is valid" test $rc -eq 0
check "validate says valid" grep -q "default.json: valid: 1000 samples" <<<"$out"
out=$("$synthface" validate "$recipes/example.json" 2>&1); rc=$?
check "example recipe is valid" test $rc -eq 0

cat >"$dir/bad.json" <<'JSON'
{"schemaVersion": 2, "seed": "one",
 "camera": {"yw": 10, "yaw": {"type": "normal", "mean": 0, "sigma": -3}},
 "expression": {"preset": {"type": "categorical", "values": ["smlie"]}},
 "identity": {"modes": {"nose_widht": 1}}}
JSON
err=$("$synthface" validate "$dir/bad.json" 2>&1); rc=$?
check "bad recipe exits 1" test $rc -eq 1
check "sigma explained" has_line "$dir/bad.json: /camera/yaw/sigma: must be > 0 (got -3)" "$err"
check "unknown key suggests" has_line \
  "$dir/bad.json: /camera/yw: unknown key in camera (got \"yw\"); did you mean \"yaw\"?" "$err"
check "seed type explained" grep -qF "$dir/bad.json: /seed: must be a whole number" <<<"$err"
check "unknown preset suggests" grep -qF '(got "smlie"); did you mean "smile"?' <<<"$err"
check "unknown mode suggests" grep -qF \
  '/identity/modes/nose_widht: the model has no identity mode (got "nose_widht"); did you mean "nose_width"?' <<<"$err"
check "counts the errors" has_line "$dir/bad.json: 5 errors" "$err"

printf '{"schemaVersion": 2,\n "camera": {"fov": ' >"$dir/truncated.json"
err=$("$synthface" validate "$dir/truncated.json" 2>&1); rc=$?
check "truncated exits 1" test $rc -eq 1
check "truncated has line and column" grep -qF "$dir/truncated.json:2:20: syntax error" <<<"$err"

echo '{"schemaVersion": 2, "model": "nowhere.sfm"}' >"$dir/nomodel.json"
err=$("$synthface" validate "$dir/nomodel.json" 2>&1); rc=$?
check "missing model exits 1" test $rc -eq 1
check "missing model named" grep -qF "$dir/nomodel.json: /model: $dir/nowhere.sfm: no such model file" <<<"$err"

err=$("$synthface" validate "$recipes/default.json" --set camera.fov=500 2>&1); rc=$?
check "bad --set exits 1" test $rc -eq 1
check "bad --set named" grep -qF "/camera/fov: must be from 1 to 170 deg (got 500) (from --set camera.fov=500)" <<<"$err"

err=$("$synthface" validate 2>&1); rc=$?
check "no recipe is a usage error" test $rc -eq 2

# sample: text and JSON, the same every time, overrides apply.
out=$("$synthface" sample "$recipes/default.json" --index 123); rc=$?
check "sample exits 0" test $rc -eq 0
check "sample names the index" grep -q "^sample 123 of" <<<"$out"
check "sample lists camera.yaw" grep -qE '^  camera.yaw +-?[0-9.]+ deg$' <<<"$out"
json1=$("$synthface" sample "$recipes/default.json" --index 123 --json)
json2=$("$synthface" sample "$recipes/default.json" --index 123 --json)
check "sample --json is repeatable" test "$json1" = "$json2"
check "sample --json is JSON" python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["index"] == 123 and len(d["identity"]) >= 64 and len(d["expression"]) >= 40' <<<"$json1"
json3=$("$synthface" sample "$recipes/default.json" --index 123 --json --set camera.fov=35)
check "--set changes that parameter" python3 -c 'import json, sys; assert json.load(sys.stdin)["parameters"]["camera.fov"] == 35' <<<"$json3"
check "--set leaves the others" python3 -c '
import json, sys
a, b = (json.loads(t) for t in sys.stdin.read().split("\n----\n"))
del a["parameters"]["camera.fov"], b["parameters"]["camera.fov"]
assert a == b' <<<"$json1
----
$json3"

# stats: text and a plot.
out=$("$synthface" stats "$recipes/default.json" --n 2000 --plot "$dir/stats.png" 2>/dev/null); rc=$?
check "stats exits 0" test $rc -eq 0
check "stats summarises camera.yaw" grep -qE '^camera.yaw +mean ' <<<"$out"
check "stats shows category shares" grep -qE '^expression.preset +talk [0-9.]+%' <<<"$out"
magic=$(head -c 8 "$dir/stats.png" | od -An -tx1 | tr -d ' \n')
check "plot is a PNG" test "$magic" = 89504e470d0a1a0a

# recipe: init, schema, upgrade, paths.
"$synthface" recipe init --out "$dir/new.json" 2>/dev/null
check "init writes a valid recipe" "$synthface" validate "$dir/new.json"
"$synthface" recipe init --out "$dir/new.json" 2>/dev/null
check "init does not overwrite" test $? -eq 2
"$synthface" recipe schema >"$dir/schema.json"
check "shipped schema is current" cmp -s "$dir/schema.json" "$source_dir/resources/recipe.schema.json"
echo '{"schemaVersion": 1, "camera": {"fovDegrees": 40}}' >"$dir/old.json"
"$synthface" recipe upgrade "$dir/old.json" 2>/dev/null
check "upgrade rewrites fovDegrees" python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["schemaVersion"] == 2 and d["camera"] == {"fov": 40}' "$dir/old.json"
check "paths lists camera.fov" grep -q '^camera.fov (number \[1, 170 deg\])' <<<"$("$synthface" recipe paths)"

# The schema is a valid draft 2020-12 schema and accepts the shipped recipes.
if python3 -c 'import jsonschema' 2>/dev/null; then
  check "schema validates recipes" python3 - "$source_dir/resources/recipe.schema.json" \
    "$recipes/default.json" "$recipes/example.json" "$dir/new.json" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    validator.validate(json.load(open(path)))
bad = {"schemaVersion": 2, "camera": {"yw": 1}}
assert list(validator.iter_errors(bad)), "an unknown key passes the schema"
PY
fi

echo "recipe cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
