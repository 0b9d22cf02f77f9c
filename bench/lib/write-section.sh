#!/usr/bin/env bash
# Replaces one benchmark's section of docs/benchmarks.md (between <!-- NAME:start --> and <!-- NAME:end -->) with a
# freshly written one, so other benchmarks' sections and hand-written notes survive; appends it the first time.
#
#   bash bench/lib/write-section.sh bench/import SECTION_FILE DOC
set -euo pipefail
name=$1 section=$2 doc=$3
if [[ ! -f $doc ]]; then
    printf '# Benchmarks\n\nFigures written by the scripts in `bench/` (see `bench/README.md`). Each compares against a limit\nmeasured in the same run.\n' >"$doc"
fi
updated=$(mktemp "${TMPDIR:-/tmp}/benchmarks.XXXXXX")
trap 'rm -f "$updated"' EXIT
if grep -q "^<!-- $name:start -->\$" "$doc"; then
    awk -v section="$section" -v start="<!-- $name:start -->" -v end="<!-- $name:end -->" '
        $0 == start { while ((getline line < section) > 0) print line; skipping = 1; next }
        $0 == end { skipping = 0; next }
        !skipping { print }
    ' "$doc" >"$updated"
else
    { cat "$doc"; echo; cat "$section"; } >"$updated"
fi
cp "$updated" "$doc"
