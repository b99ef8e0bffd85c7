#!/usr/bin/env bash
# The synthface command line as a user meets it: help, version, errors, no Qt.
# usage: test_cli.sh PATH/TO/synthface
set -uo pipefail
synthface=$1
failures=0 passes=0

check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name"
    failures=$((failures + 1))
  fi
}

out=$("$synthface" --version); rc=$?
check "--version exits 0" test $rc -eq 0
check "--version prints the version" grep -qE '^synthface [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"

out=$("$synthface" --help); rc=$?
check "--help exits 0" test $rc -eq 0
check "--help lists sysinfo" grep -qE '^  sysinfo ' <<<"$out"

out=$("$synthface" sysinfo --help); rc=$?
check "sysinfo --help exits 0" test $rc -eq 0
check "sysinfo --help shows usage" grep -q '^usage: synthface sysinfo' <<<"$out"

out=$("$synthface" sysinf 2>&1 >/dev/null); rc=$?
check "unknown command exits 2" test $rc -eq 2
check "unknown command suggests" grep -q "unknown command 'sysinf' (did you mean 'sysinfo'?)" <<<"$out"

out=$("$synthface" 2>&1 >/dev/null); rc=$?
check "no command exits 2 with usage" test $rc -eq 2
check "no command prints usage" grep -q '^usage: synthface' <<<"$out"

out=$("$synthface" sysinfo --bogus 2>&1 >/dev/null); rc=$?
check "unknown option exits 2" test $rc -eq 2
check "unknown option named" grep -q "synthface sysinfo: unknown option '--bogus'" <<<"$out"

out=$("$synthface" sysinfo); rc=$?
check "sysinfo exits 0" test $rc -eq 0
check "sysinfo: ray tracing works" grep -q '^ray tracing:    ok$' <<<"$out"

# The CLI must run on cluster nodes without Qt: nothing of Qt may be linked.
check "synthface links no Qt" bash -c "! ldd '$synthface' | grep -qi 'libQt'"

echo "cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
