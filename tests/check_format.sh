#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted by the project's .clang-format.
# usage: check_format.sh SOURCE_DIR   (exit 77: skipped, not a git checkout)
set -uo pipefail
cd "$1" || exit 1
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_format: skipped: $1 is not a git checkout"
  exit 77
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.h.in')
if [ ${#files[@]} -eq 0 ]; then
  echo "check_format: no C++ files tracked"
  exit 1
fi
if clang-format --dry-run --Werror "${files[@]}"; then
  echo "check_format: ${#files[@]} files formatted"
else
  echo "check_format: run 'clang-format -i' on the files above"
  exit 1
fi
