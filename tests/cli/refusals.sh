#!/usr/bin/env bash
# What a review found the binary let through (2026-11-30), each refused or reported now:
# `batch --out` at a folder that is not a report (it emptied it), negative counts and nan in
# options (wrapped around to 2^64 - 1), output to a full disk through stdout (exit 0), folders
# that cannot be created (exit 1, "internal error"), a JSON city with a table or a column given
# twice (the last one won) or with a byte order mark (refused), a snapshot whose first bytes are
# damaged (read as JSON), a CSV file given as DATA ("invalid JSON"), a folder that may not be
# read (every table "missing", exit 3), a misspelt column or table file (ignored without a word),
# --out onto an input (overwritten), onto a 0600 file (left 0644) or a link (replaced by a file),
# a quote never closed (one rejected row, not a word of the 15 rows it took with it), ids with a
# space around them (every reference to them failed, and nothing said why).
# Usage: bash refusals.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
TINY="$SRC/examples/tiny-city"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# run NAME CODE ARGS...: runs the binary (quiet), stderr to $WORK/NAME.err; checks the exit code.
run() {
  local name=$1 code=$2
  shift 2
  timeout 120 "$BIN" -q "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local rc=$?
  if [ "$rc" -ne "$code" ]; then
    fail "$name: exit $rc, expected $code: $*"
    head -3 "$WORK/$name.err" >&2
  fi
}
# says NAME TEXT: stderr of NAME holds TEXT.
says() {
  grep -qF -- "$2" "$WORK/$1.err" || {
    fail "$1: stderr does not say '$2'"
    head -3 "$WORK/$1.err" >&2
  }
}

# batch --out at a folder holding other files: refused, the files kept.
mkdir -p "$WORK/mine/sub"
echo important >"$WORK/mine/thesis.txt"
echo kept >"$WORK/mine/sub/b"
run foreign 2 batch "$TINY" --out "$WORK/mine"
says foreign "holds"
[ "$(cat "$WORK/mine/thesis.txt" 2>/dev/null)" = important ] || fail "batch removed thesis.txt"
[ -f "$WORK/mine/sub/b" ] || fail "batch removed sub/b"
ls -d "$WORK"/mine.partial-* "$WORK"/mine.previous-* 2>/dev/null && fail "left a partial folder"

# ... at its own input folder: refused, the input kept.
cp -r "$TINY" "$WORK/city"
run own-input 2 batch "$WORK/city" --out "$WORK/city"
for f in "$TINY"/*.csv; do
  cmp -s "$f" "$WORK/city/$(basename "$f")" || fail "batch changed or removed $(basename "$f")"
done

# An earlier report or an empty folder is replaced; a report with one extra file is refused.
mkdir -p "$WORK/empty"
run empty 0 batch "$TINY" --out "$WORK/empty"
[ -f "$WORK/empty/summary.json" ] || fail "no report in the empty folder"
run again 0 batch "$TINY" --out "$WORK/empty"
[ -f "$WORK/empty/summary.json" ] || fail "no report after the second run"
echo note >"$WORK/empty/notes.md"
run report-plus 2 batch "$TINY" --out "$WORK/empty"
[ -f "$WORK/empty/notes.md" ] && [ -f "$WORK/empty/report.html" ] || fail "report-plus lost a file"

# A folder that cannot be made: exit 4, not an internal error.
echo x >"$WORK/afile"
run under-file 4 batch "$TINY" --out "$WORK/afile/report"
says under-file "Not a directory"

# Negative counts and nan: usage errors.
run min-size 2 clusters "$TINY" --min-size -1
says min-size "expected a whole number >= 0"
run top 2 clusters "$TINY" --top -5
run max-errors 2 validate "$TINY" --max-errors -1
run network 2 batch "$TINY" --out "$WORK/n" --network-clusters -1
run max-orgs 2 batch "$TINY" --out "$WORK/n" --export-max-orgs 0
run seed 2 generate --preset changzhou --seed -1 --out "$WORK/g"
run effort-nan 2 joint-branches "$TINY" --effort nan
says effort-nan "expected a number"
run batch-effort-nan 2 batch "$TINY" --out "$WORK/n" --effort nan
[ -e "$WORK/n" ] && fail "a refused batch made its folder"
run top-ok 0 clusters "$TINY" --top 3 --min-size 2
run effort-ok 0 joint-branches "$TINY" --effort 1.5

# Standard output on a full disk: exit 4 with the reason, for every command printing there.
if [ -w /dev/full ]; then
  for cmd in validate stats coverage clusters joint-branches gaps; do
    timeout 120 "$BIN" -q "$cmd" "$TINY" --format json >/dev/full 2>"$WORK/full-$cmd.err"
    rc=$?
    [ "$rc" -eq 4 ] || fail "$cmd > /dev/full: exit $rc, expected 4"
    says "full-$cmd" "No space left on device"
  done
else
  echo "refusals: /dev/full not writable, full-disk cases skipped" >&2
fi

# JSON cities: a byte order mark is read past; a table or a column given twice is an error.
/usr/bin/python3 - "$TINY" "$WORK" <<'PY'
import csv, json, sys
tiny, work = sys.argv[1], sys.argv[2]
tables = {}
for t in ["areas", "units", "organizations", "people", "affiliations", "branches",
          "branch_coverage", "party_relations", "supervision", "instructors"]:
    with open(f"{tiny}/{t}.csv", encoding="utf-8") as f:
        tables[t] = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(f)]
text = json.dumps(tables, ensure_ascii=False)
open(f"{work}/city.json", "w", encoding="utf-8").write(text)
open(f"{work}/bom.json", "wb").write(b"\xef\xbb\xbf" + text.encode())
open(f"{work}/table-twice.json", "w", encoding="utf-8").write(text[:-1] + ', "branch_coverage": []}')
twice = text.replace('"party_status": "full"', '"party_status": "full", "party_status": "none"', 1)
assert twice != text
open(f"{work}/column-twice.json", "w", encoding="utf-8").write(twice)
PY
run json 0 stats "$WORK/city.json" --format json
run bom 0 stats "$WORK/bom.json" --format json
cmp -s "$WORK/json.out" "$WORK/bom.out" || fail "the city with a byte order mark differs"
run table-twice 3 stats "$WORK/table-twice.json"
says table-twice "table-twice.json#/branch_coverage: error: found the table 'branch_coverage' a second time"
run column-twice 3 stats "$WORK/column-twice.json"
says column-twice "found the column 'party_status' twice in one row"

# A snapshot with damaged first bytes, an empty one: refused as snapshots (exit 5).
run build 0 build "$TINY" --out "$WORK/city.orgraph"
cp "$WORK/city.orgraph" "$WORK/damaged.orgraph"
printf 'X' | dd of="$WORK/damaged.orgraph" bs=1 seek=0 conv=notrunc 2>/dev/null
run damaged 5 stats "$WORK/damaged.orgraph"
says damaged "not an orgraph snapshot"
: >"$WORK/empty.orgraph"
run empty-snapshot 5 stats "$WORK/empty.orgraph"
run missing-snapshot 4 stats "$WORK/missing.orgraph"

# One CSV file as DATA: a usage error that says what DATA is.
run csv-data 2 stats "$TINY/people.csv"
says csv-data "DATA is a city folder"

# A city folder that may not be read: exit 4, not nine missing tables.
cp -r "$TINY" "$WORK/locked"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 700 "$WORK/locked"
  timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -q stats "$WORK/locked" \
    >/dev/null 2>"$WORK/locked.err"
  rc=$?
else
  chmod 000 "$WORK/locked"
  timeout 60 "$BIN" -q stats "$WORK/locked" >/dev/null 2>"$WORK/locked.err"
  rc=$?
  chmod 700 "$WORK/locked"
fi
if [ "$rc" = 126 ] || grep -q "Permission denied" "$WORK/locked.err" && ! grep -q "cannot read" "$WORK/locked.err"; then
  echo "refusals: the binary is not reachable for another user here, locked-folder case skipped" >&2
else
  [ "$rc" -eq 4 ] || fail "locked folder: exit $rc, expected 4"
  says locked "cannot read the folder"
fi

# A misspelt column, a column with no name, a misnamed table file: still loaded (the format
# ignores them), each with a warning that says what it may have meant.
cp -r "$TINY" "$WORK/misspelt"
sed -i '1s/,status,/,Status,/; 1s/competent_unit_id/competent_unit/' "$WORK/misspelt/organizations.csv"
sed -i '1s/^id,name,party_status/id,,party_status/' "$WORK/misspelt/people.csv"
mv "$WORK/misspelt/instructors.csv" "$WORK/misspelt/Instructors.csv"
timeout 60 "$BIN" validate "$WORK/misspelt" --format json >"$WORK/misspelt.out" 2>"$WORK/misspelt.err" ||
  fail "misspelt: validate exited $?"
says misspelt "organizations.csv:1:9: warning: found the column 'Status', which organizations does not have; ignored (did you mean 'status'?)"
says misspelt "organizations.csv:1:7: warning: found the column 'competent_unit', which organizations does not have; ignored (did you mean 'competent_unit_id'?)"
says misspelt "people.csv:1:2: warning: found a column with no name"
says misspelt "Instructors.csv: warning: found a file that is no table of a city; not read (did you mean instructors.csv?)"
grep -q '"warnings":\[' "$WORK/misspelt.out" && grep -q "did you mean 'status'" "$WORK/misspelt.out" ||
  fail "misspelt: validate's JSON lists no warnings"
# The tiny city itself: no warning.
timeout 60 "$BIN" validate "$TINY" >/dev/null 2>"$WORK/clean.err" || fail "tiny city: validate"
grep -q warning "$WORK/clean.err" && fail "tiny city: a warning: $(head -1 "$WORK/clean.err")"
# A table file that is a link to nothing: exit 4, not a missing (optional) table.
cp -r "$TINY" "$WORK/dangling"
rm "$WORK/dangling/instructors.csv"
ln -s "$WORK/nowhere.csv" "$WORK/dangling/instructors.csv"
run dangling 4 validate "$WORK/dangling"
says dangling "a link to a file that does not exist"

# --out onto one of the command's inputs: refused, the input kept.
cp -r "$TINY" "$WORK/own"
run out-input 2 coverage "$WORK/own" --format csv --out "$WORK/own/people.csv"
says out-input "is an input of this command"
cmp -s "$TINY/people.csv" "$WORK/own/people.csv" || fail "coverage --out overwrote its input"
run out-json 2 export "$WORK/city.json" --to cytoscape --out "$WORK/city.json"
grep -q '"areas"' "$WORK/city.json" || fail "export --out overwrote its JSON input"
# ... onto a 0600 file: replaced, still 0600; onto a link: the file it points at is replaced.
echo old >"$WORK/private.csv"
chmod 600 "$WORK/private.csv"
run private 0 coverage "$TINY" --format csv --out "$WORK/private.csv"
[ "$(stat -c %a "$WORK/private.csv")" = 600 ] || fail "--out changed a 0600 file's permissions"
grep -q '^scope,' "$WORK/private.csv" || fail "--out did not replace the 0600 file"
echo old >"$WORK/target.csv"
ln -s "$WORK/target.csv" "$WORK/link.csv"
run link 0 coverage "$TINY" --format csv --out "$WORK/link.csv"
[ -L "$WORK/link.csv" ] || fail "--out replaced the link with a file"
grep -q '^scope,' "$WORK/target.csv" || fail "--out did not write the file the link points at"

# A quote never closed on line 6 of 21: the error says how many lines went into the field.
cp -r "$TINY" "$WORK/unclosed"
sed -i '6s/^\(P[0-9]*\),/\1,"/' "$WORK/unclosed/people.csv"
run unclosed 3 validate "$WORK/unclosed"
says unclosed "people.csv:6:2: error: found a quoted field that is never closed"
says unclosed "the 15 line(s) after it are read into this field, and their rows are lost with it"

# Ids with a space or a tab around them: a warning names the first and counts the rest.
cp -r "$TINY" "$WORK/spaced"
sed -i '3s/^P2,/P2 ,/; 5s/^P4,/P4\t,/' "$WORK/spaced/people.csv"
run spaced 3 validate "$WORK/spaced"
says spaced "people.csv:3:1: warning: column 'id': found the id 'P2 ' with a space, a tab or a byte order mark around it (and 1 more ids like it in this table)"
says spaced "affiliations.csv:3:1: error: column 'person_id': found 'P2'"

if [ "$failures" -gt 0 ]; then
  echo "refusals: $failures failure(s)" >&2
  exit 1
fi
echo "refusals: all cases passed"
