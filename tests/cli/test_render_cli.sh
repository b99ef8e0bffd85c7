#!/usr/bin/env bash
# synthface render as a user runs it: the FaceSynthetics layout, shards that together equal
# a single run, resume after a kill -9, and clear errors for bad options.
# usage: test_render_cli.sh PATH/TO/synthface SOURCE_DIR
set -uo pipefail
synthface=$1
recipe=$2/resources/recipes/default.json
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0 passes=0
check() {
  local name=$1
  shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
small=(--resolution 32 --spp 2 --quiet)

# One process.
"$synthface" render "$recipe" --out "$dir/single" --count 5 "${small[@]}" 2>"$dir/err"
check "render exits 0" test $? -eq 0
for id in 000000 000004; do
  for suffix in .png _seg.png _ldmks.txt _meta.json; do
    check "single has $id$suffix" test -s "$dir/single/$id$suffix"
  done
done
check "70 landmark lines" test "$(wc -l <"$dir/single/000003_ldmks.txt")" -eq 70
check "manifest lists 5 done" grep -q '"done": 5' "$dir/single/manifest.json"
check "no temporary files" test -z "$(find "$dir/single" -name '.*.tmp.*')"

# Two shards into one folder equal the single run, file for file.
"$synthface" render "$recipe" --out "$dir/sharded" --count 5 --shard 1/2 "${small[@]}" 2>/dev/null
check "shard 1/2 exits 0" test $? -eq 0
check "shard 1/2 renders only odd samples" test ! -e "$dir/sharded/000000.png"
"$synthface" render "$recipe" --out "$dir/sharded" --count 5 --shard 0/2 "${small[@]}" 2>/dev/null
check "shard 0/2 exits 0" test $? -eq 0
check "shards equal a single run" diff -r -x '.synthface.lock' "$dir/single" "$dir/sharded"

# Killed mid-run with kill -9, then resumed: nothing redone, nothing broken.
"$synthface" render "$recipe" --out "$dir/killed" --count 5 "${small[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do
  [ -e "$dir/killed/000001_meta.json" ] && break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "killed before the end" test ! -e "$dir/killed/manifest.json"
stamp=$(stat -c %Y.%N "$dir/killed/000000.png" 2>/dev/null)
out=$("$synthface" render "$recipe" --out "$dir/killed" --count 5 --resume "${small[@]}" 2>&1)
check "resume exits 0" test $? -eq 0
check "resume skipped finished samples" grep -q 'skipped [1-9]' <<<"$out"
check "finished sample not redone" test "$(stat -c %Y.%N "$dir/killed/000000.png")" = "$stamp"
check "resumed equals a single run" diff -r -x '.synthface.lock' "$dir/single" "$dir/killed"

# A plugin format next to the built-in one: COCO annotations for the same samples.
"$synthface" render "$recipe" --out "$dir/coco" --count 2 --format facesynthetics --format coco \
  "${small[@]}" 2>/dev/null
check "coco render exits 0" test $? -eq 0
check "coco annotations written" test -s "$dir/coco/coco/annotations.json"
check "coco lists both images" test "$(grep -o '"file_name"' "$dir/coco/coco/annotations.json" | wc -l)" -eq 2
check "formats lists coco" grep -q '^coco ' <<<"$("$synthface" formats)"

# Bad options are named.
err=$("$synthface" render "$recipe" --out "$dir/x" --shard 2/2 2>&1); rc=$?
check "bad shard refused" test $rc -ne 0
check "bad shard named" grep -q -- '--shard' <<<"$err"
err=$("$synthface" render "$recipe" --out "$dir/x" --format nonsense 2>&1); rc=$?
check "unknown format refused" test $rc -ne 0
check "unknown format named" grep -q "unknown dataset format 'nonsense'" <<<"$err"
err=$("$synthface" render "$recipe" 2>&1); rc=$?
check "missing --out refused" grep -q -- '--out' <<<"$err"

echo "$passes passed, $failures failed"
test "$failures" -eq 0
