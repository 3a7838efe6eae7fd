#!/usr/bin/env bash
# orgraph export on the command line: exact output for the tiny city (golden files in
# tests/golden, the version string written as "orgraph VERSION"), identical bytes at --threads
# 1, 2 and 8, people's names only with --include-names, and the documented exit codes.
#
#   bash export.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
# Regenerate the golden files after an intended change: UPDATE_GOLDEN=1 bash export.sh ...
set -euo pipefail
BIN=$1
SRC=$2
WORK=$3
TINY=$SRC/examples/tiny-city
GOLDEN=$SRC/tests/golden
PY=/usr/bin/python3
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "export.sh: $*" >&2; exit 1; }
version=$("$BIN" --version)

# ---- Golden files ------------------------------------------------------------------------------
golden() {  # NAME FORMAT [OPTIONS...]
  local name=$1 format=$2
  shift 2
  "$BIN" export "$TINY" --to "$format" "$@" --quiet --out "$WORK/$name.raw"
  sed "s/$version/orgraph VERSION/g" "$WORK/$name.raw" >"$WORK/$name"
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$WORK/$name" "$GOLDEN/$name"
  elif ! cmp -s "$WORK/$name" "$GOLDEN/$name"; then
    diff -u "$GOLDEN/$name" "$WORK/$name" | head -40 >&2 || true
    fail "$name differs from tests/golden/$name"
  fi
}
golden tiny-city.cyjs cytoscape
golden tiny-city.gexf gexf
golden tiny-city.graphology.json graphology
golden tiny-city.jgf.json jgf
golden tiny-city.node-link.json node-link
golden tiny-city.graphml graphml
golden tiny-city.S1-people.graphology.json graphology --area S1 --include-people
golden tiny-city.uncovered.cyjs cytoscape --only uncovered
golden tiny-city.joint-branches.gexf gexf --only joint-branches

# ---- Same bytes at any thread count, on a city big enough for many blocks ---------------------
"$PY" "$SRC/tests/tools/make_city.py" "$WORK/city" --orgs 6000 --seed 3
for f in cytoscape gexf graphology jgf node-link graphml; do
  for t in 1 2 8; do
    "$BIN" --threads "$t" export "$WORK/city" --to "$f" --include-people --quiet \
      --out "$WORK/city.$f.$t"
  done
  cmp "$WORK/city.$f.1" "$WORK/city.$f.2" || fail "$f: --threads 1 and 2 differ"
  cmp "$WORK/city.$f.1" "$WORK/city.$f.8" || fail "$f: --threads 1 and 8 differ"
done
for sel in "--area D1S2" "--only uncovered" "--only clusters" "--only joint-branches" "--only gaps"; do
  # shellcheck disable=SC2086
  "$BIN" --threads 1 export "$WORK/city" --to gexf $sel --quiet --out "$WORK/sel.1"
  # shellcheck disable=SC2086
  "$BIN" --threads 8 export "$WORK/city" --to gexf $sel --quiet --out "$WORK/sel.8"
  cmp "$WORK/sel.1" "$WORK/sel.8" || fail "$sel: --threads 1 and 8 differ"
done

# ---- People's names: absent by default, present with --include-names ------------------------
cut -d, -f2 "$TINY/people.csv" | tail -n +2 >"$WORK/names.txt"
for f in cytoscape gexf graphology jgf node-link graphml; do
  "$BIN" export "$TINY" --to "$f" --include-people --quiet --out "$WORK/p.$f"
  if grep -F -f "$WORK/names.txt" "$WORK/p.$f" >/dev/null; then
    fail "$f: a person's name appears without --include-names"
  fi
  "$BIN" export "$TINY" --to "$f" --include-people --include-names --quiet --out "$WORK/n.$f"
  found=$(grep -o -F -f "$WORK/names.txt" "$WORK/n.$f" | sort -u | wc -l)
  [ "$found" -eq "$(wc -l <"$WORK/names.txt")" ] || fail "$f: --include-names shows $found names"
done

# ---- Errors: usage 2, input 3, files 4, unknown id 6; nothing written on failure ---------------
expect_exit() {  # CODE MESSAGE ARGS...
  local code=$1 message=$2
  shift 2
  set +e
  "$BIN" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
  local got=$?
  set -e
  [ "$got" -eq "$code" ] || fail "orgraph $*: exit $got, expected $code ($(cat "$WORK/err.txt"))"
  grep -q -- "$message" "$WORK/err.txt" || fail "orgraph $*: stderr lacks '$message'"
}
expect_exit 2 "must be uncovered" export "$TINY" --to gexf --only covered
expect_exit 2 "cytoscape|gexf" export "$TINY" --to dot
expect_exit 2 "--to" export "$TINY"
expect_exit 6 "NOPE" export "$TINY" --to jgf --area NOPE --out "$WORK/never.json"
[ ! -e "$WORK/never.json" ] || fail "a failed export left a file"
expect_exit 4 "" export "$TINY" --to jgf --out "$WORK/no/such/dir/x.json"
expect_exit 4 "" export "$WORK/missing-city" --to jgf
ls "$WORK" | grep -q '\.tmp\.' && fail "a temporary file was left behind"

# Standard output works too, and the summary goes to stderr.
"$BIN" export "$TINY" --to node-link >"$WORK/stdout.json" 2>"$WORK/stderr.txt"
cmp <(sed "s/$version/orgraph VERSION/g" "$WORK/stdout.json") "$GOLDEN/tiny-city.node-link.json" ||
  fail "stdout differs from --out"
grep -q "37 nodes, 52 edges" "$WORK/stderr.txt" || fail "no summary on stderr"

# --include-names on an export with no people says so (the names were asked for and cannot come).
"$BIN" export "$TINY" --to jgf --include-names --out "$WORK/names-no-people.json" 2>"$WORK/stderr.txt"
grep -q -- "--include-names: the export has no people" "$WORK/stderr.txt" ||
  fail "--include-names without people gave no notice"
"$BIN" export "$TINY" --to jgf --include-names --include-people --out "$WORK/names.json" \
  2>"$WORK/stderr.txt"
! grep -q -- "--include-names" "$WORK/stderr.txt" || fail "--include-names notice with people"

echo "export.sh: golden files, determinism, names and exit codes ok"
