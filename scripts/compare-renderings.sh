#!/usr/bin/env bash
# Compares two snapshots made by scripts/snapshot-renderings.sh: lists every file that differs
# and prints a unified diff of each (exit 1 when they differ, 0 when byte-identical).
#   scripts/compare-renderings.sh BEFORE_DIR AFTER_DIR
set -uo pipefail
before="${1:?usage: compare-renderings.sh BEFORE AFTER}"; after="${2:?usage: compare-renderings.sh BEFORE AFTER}"
if diff -rq "$before" "$after"; then echo "byte-identical: $(find "$before" -type f | wc -l) files"; exit 0; fi
diff -ru "$before" "$after"
exit 1
