#!/usr/bin/env bash
# Hostile input through the binary (issue 8): every case of tests/corpus/bad and tests/corpus/good,
# and inputs too big to commit (a 10 MB and a 70 MB field, a million columns, JSON nested a
# million deep, GB18030 files, a directory where a file should be, a damaged snapshot), each run
# under a memory limit (prlimit --as) and a time limit. Each must end with its documented exit
# code (README: 0 ok, 2 usage, 3 invalid data, 4 IO, 5 snapshot refused, 7 out of memory) and,
# for invalid data, name the file and line on stderr. A crash (exit >= 128), a timeout or an
# internal error (exit 1) is a failure.
# Usage: bash hostile.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
TINY="$SRC/examples/tiny-city"
LIMIT_BYTES=$((1024 * 1024 * 1024))  # 1 GiB of address space, threads and all
TIME_LIMIT=60
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# limited NAME ARGS...: runs the binary under the limits; stdout to $WORK/NAME.out, stderr to
# $WORK/NAME.err, exit code in $rc.
limited() {
  local name=$1
  shift
  if [ "$AS_LIMIT" = 1 ]; then
    timeout -s KILL "$TIME_LIMIT" prlimit --as="$LIMIT_BYTES" -- "$BIN" "$@" \
      >"$WORK/$name.out" 2>"$WORK/$name.err"
  else
    timeout -s KILL "$TIME_LIMIT" "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  fi
  rc=$?
}

# expect_exit NAME CODE ARGS...: runs under limits and checks the exit code.
expect_exit() {
  local name=$1 code=$2
  shift 2
  limited "$name" "$@"
  if [ "$rc" -ge 128 ]; then
    fail "$name: crashed or timed out (exit $rc): $BIN $*"
    tail -3 "$WORK/$name.err" >&2
  elif [ "$rc" -ne "$code" ]; then
    fail "$name: exit $rc, expected $code: $BIN $*"
    tail -3 "$WORK/$name.err" >&2
  fi
}

# expect_err NAME TEXT: stderr of NAME holds TEXT (fixed string).
expect_err() {
  if ! grep -qF -- "$2" "$WORK/$1.err"; then
    fail "$1: stderr does not say '$2'"
    head -5 "$WORK/$1.err" >&2
  fi
}

# make_case DIR CASE_DIR: the tiny city with the case's files laid over it.
make_case() {
  local dir=$1 case_dir=$2
  rm -rf "$dir"
  cp -r "$TINY" "$dir"
  for f in "$case_dir"/*; do
    local base
    base=$(basename "$f")
    case "$base" in
      expect) ;;
      *.absent) rm -f "$dir/${base%.absent}" ;;
      *) cp "$f" "$dir/$base" ;;
    esac
  done
}

command -v prlimit >/dev/null || { echo "prlimit (util-linux) is needed" >&2; exit 1; }
# Sanitizer builds (make sanitize, make tsan) reserve terabytes of address space for shadow
# memory and cannot start under an address-space limit: then only the time limit applies (and is
# longer, as they run several times slower).
AS_LIMIT=1
if ! (prlimit --as="$LIMIT_BYTES" -- "$BIN" --version; exit $?) >/dev/null 2>&1; then
  echo "hostile: $BIN does not start under an address-space limit (a sanitizer build?):" \
    "checking with the time limit only" >&2
  AS_LIMIT=0
  TIME_LIMIT=300
fi

# ---- the bad corpus: exit 3, stderr names file:line[:column] and says what was found ---------
n_bad=0
for case_dir in "$SRC"/tests/corpus/bad/*/; do
  name=$(basename "$case_dir")
  dir="$WORK/bad-$name"
  make_case "$dir" "$case_dir"
  location=$(sed -n 1p "$case_dir/expect")
  message=$(sed -n 2p "$case_dir/expect")
  expect_exit "bad-$name" 3 validate "$dir" --format json
  expect_err "bad-$name" "$message"
  if [ -n "$location" ]; then
    expect_err "bad-$name" "$dir/$location"
  fi
  if [ -s "$WORK/bad-$name.out" ]; then fail "bad-$name: wrote output despite invalid data"; fi
  # Lenient mode drops what it can and never crashes; structural problems still stop it.
  limited "lenient-$name" validate "$dir" --lenient --rejects "$WORK/rejects-$name.csv" \
    --format json
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    fail "lenient-$name: exit $rc, expected 0 or 3"
    tail -3 "$WORK/lenient-$name.err" >&2
  fi
  n_bad=$((n_bad + 1))
done
[ "$n_bad" -ge 35 ] || fail "only $n_bad bad cases found"

# ---- the good corpus: loads (exit 0) and every command runs on it ----------------------------
for case_dir in "$SRC"/tests/corpus/good/*/; do
  name=$(basename "$case_dir")
  dir="$WORK/good-$name"
  make_case "$dir" "$case_dir"
  expect_exit "good-$name" 0 validate "$dir" --format json
  for cmd in stats coverage clusters joint-branches gaps; do
    expect_exit "good-$name-$cmd" 0 "$cmd" "$dir" --format json
  done
  expect_exit "good-$name-export" 0 export "$dir" --to gexf --include-people
  expect_exit "good-$name-batch" 0 batch "$dir" --out "$WORK/good-$name-report" --quiet
done
# A unit that supervises itself is data, not a load error: gaps reports the cycle.
expect_exit self-gaps 0 gaps "$WORK/good-self_supervision" --format csv
grep -q '^supervision_cycle,error,unit:EDU1,' "$WORK/self-gaps.out" ||
  fail "self-supervision: no supervision_cycle gap for unit:EDU1"

# ---- generated inputs ------------------------------------------------------------------------
py() { /usr/bin/python3 -c "$@"; }

# A 10 MB name loads; a 70 MB one is past the 64 MiB field limit.
dir="$WORK/field10"
cp -r "$TINY" "$dir"
py "import sys; sys.stdout.write('P99,\"' + 'N' * 10000000 + '\",full\n')" >>"$dir/people.csv"
expect_exit field10 0 validate "$dir" --format json
grep -q '"people","rows":21' "$WORK/field10.out" || fail "field10: people rows are not 21"
dir="$WORK/field70"
cp -r "$TINY" "$dir"
py "import sys; sys.stdout.write('P99,' + 'N' * 70000000 + ',full\n')" >>"$dir/people.csv"
expect_exit field70 3 validate "$dir"
expect_err field70 "$dir/people.csv:22:2: error: field of 70000000 bytes, expected at most 67108864"

# Too little memory for the input: a clear message (exit 7), never a crash. A 60 MB field (under
# the field limit) validates in about 140 MB of address space; 100 MB is too little.
if [ "$AS_LIMIT" = 1 ]; then
  dir="$WORK/field60"
  cp -r "$TINY" "$dir"
  py "import sys; sys.stdout.write('P99,' + 'N' * 60000000 + ',full\n')" >>"$dir/people.csv"
  saved=$LIMIT_BYTES
  LIMIT_BYTES=$((100 * 1024 * 1024))
  limited oom --threads 8 validate "$dir"
  LIMIT_BYTES=$saved
  if [ "$rc" -ne 7 ]; then fail "oom: exit $rc, expected 7 (out of memory)"; fi
  expect_err oom "orgraph: out of memory: this input needs more memory"
  rm -rf "$dir"
fi

# A million columns in the header, and in one record.
dir="$WORK/columns-header"
cp -r "$TINY" "$dir"
py "import sys; sys.stdout.write('id,name,party_status' + ',x' * 1000000 + '\nP1,a,full\n')" \
  >"$dir/people.csv"
expect_exit columns-header 3 --threads 8 validate "$dir"
expect_err columns-header "$dir/people.csv:1:4097: error: "
dir="$WORK/columns-record"
cp -r "$TINY" "$dir"
py "import sys; sys.stdout.write('P99,a,full' + ',x' * 1000000 + '\n')" >>"$dir/people.csv"
expect_exit columns-record 3 validate "$dir"
expect_err columns-record "$dir/people.csv:22:4097: error: "

# JSON nested a million deep (a recursive parser would overflow the stack).
py "import sys; sys.stdout.write('{\"x\":' + '[' * 1000000 + ']' * 1000000 + '}')" \
  >"$WORK/deep.json"
expect_exit deep-json 3 validate "$WORK/deep.json"
expect_err deep-json "missing table"
py "import sys; sys.stdout.write('{\"x\":' + '[' * 1000000)" >"$WORK/open.json"
expect_exit open-json 3 validate "$WORK/open.json"
expect_err open-json "$WORK/open.json:1:"

# A file that is a directory; DATA missing; a folder with no tables; binary junk as DATA.
dir="$WORK/dir-file"
cp -r "$TINY" "$dir"
rm "$dir/branches.csv"
mkdir "$dir/branches.csv"
expect_exit dir-file 4 validate "$dir"
expect_err dir-file "$dir/branches.csv: is a directory, expected a file"
expect_exit no-data 4 validate "$WORK/does-not-exist"
expect_err no-data "$WORK/does-not-exist: cannot open"
mkdir -p "$WORK/empty-folder"
expect_exit empty-folder 3 validate "$WORK/empty-folder"
expect_err empty-folder "missing file areas.csv"
head -c 100000 "$BIN" >"$WORK/junk.bin"
expect_exit junk 3 stats "$WORK/junk.bin"
expect_err junk "$WORK/junk.bin:1:"
head -c 100000 /dev/zero >"$WORK/zeros.json"
expect_exit zeros 3 stats "$WORK/zeros.json"

# A damaged snapshot is refused (exit 5), never trusted.
expect_exit snap 0 build "$TINY" --out "$WORK/tiny.orgraph" --quiet
size=$(stat -c %s "$WORK/tiny.orgraph")
head -c $((size / 2)) "$WORK/tiny.orgraph" >"$WORK/half.orgraph"
expect_exit snap-half 5 stats "$WORK/half.orgraph"
cp "$WORK/tiny.orgraph" "$WORK/flipped.orgraph"
printf '\xff\xff\xff\xff' | dd of="$WORK/flipped.orgraph" bs=1 seek=$((size / 2)) conv=notrunc \
  2>/dev/null
expect_exit snap-flipped 5 stats "$WORK/flipped.orgraph"

# ---- encodings: GB18030 / GBK ---------------------------------------------------------------
# The Changzhou example (Chinese names) converted to GB18030 at run time.
CZ="$SRC/examples/changzhou"
GB="$WORK/gb18030/changzhou"  # the same folder name: outputs name it
mkdir -p "$GB"
for f in "$CZ"/*.csv; do
  iconv -f UTF-8 -t GB18030 "$f" >"$GB/$(basename "$f")" || fail "iconv failed on $f"
done
cmp -s "$CZ/people.csv" "$GB/people.csv" && fail "iconv produced identical bytes: no test"
# Without --encoding: the clear error, with its place and the option to use.
expect_exit gb-plain 3 validate "$GB"
expect_err gb-plain "$GB/areas.csv:2:"
expect_err gb-plain "not valid UTF-8, expected UTF-8 text: the file may be GB18030/GBK"
expect_err gb-plain "--encoding gb18030"
expect_exit gb-bad-name 2 validate "$GB" --encoding latin1
# With --encoding gb18030 (and gbk, for the characters GBK has): every command's output is
# byte-identical to the UTF-8 original's.
for args in "stats --format json" "validate --format json" "coverage --by district --format json" \
  "coverage --by industry --format csv" "clusters --top 20 --format json" \
  "joint-branches --format json" "gaps --format csv" "gaps --format json" \
  "export --to graphml"; do
  tag=$(echo "$args" | tr ' ' '_')
  # shellcheck disable=SC2086
  expect_exit "utf8-$tag" 0 $args "$CZ" --quiet
  # shellcheck disable=SC2086
  expect_exit "gb-$tag" 0 $args "$GB" --quiet --encoding gb18030
  # validate and stats name the source folder; everything else must be identical.
  sed "s#$GB#$CZ#g" "$WORK/gb-$tag.out" >"$WORK/gb-$tag.norm"
  cmp -s "$WORK/utf8-$tag.out" "$WORK/gb-$tag.norm" ||
    fail "--encoding gb18030: '$args' differs from the UTF-8 original"
done
expect_exit utf8-build 0 build "$CZ" --out "$WORK/utf8.orgraph" --quiet
expect_exit gb-build 0 build "$GB" --out "$WORK/gb.orgraph" --quiet --encoding GB18030
cmp -s "$WORK/utf8.orgraph" "$WORK/gb.orgraph" || fail "--encoding gb18030: snapshots differ"
expect_exit utf8-batch 0 batch "$CZ" --out "$WORK/utf8-report" --quiet
expect_exit gb-batch 0 batch "$GB" --out "$WORK/gb-report" --quiet --encoding gb18030
for f in coverage.csv clusters.json joint_branches.json gaps.csv clusters.gexf; do
  cmp -s "$WORK/utf8-report/$f" "$WORK/gb-report/$f" || fail "--encoding gb18030: batch $f differs"
done
# GBK: the tiny city's people with Chinese names.
GBK="$WORK/tiny-gbk"
cp -r "$TINY" "$GBK"
sed 's/^P1,[^,]*,/P1,张伟,/; s/^P2,[^,]*,/P2,"李娜, 王芳",/' "$TINY/people.csv" >"$WORK/people-utf8.csv"
iconv -f UTF-8 -t GBK "$WORK/people-utf8.csv" >"$GBK/people.csv"
expect_exit gbk 0 validate "$GBK" --encoding gbk --format json
expect_exit gbk-plain 3 validate "$GBK"
expect_err gbk-plain "$GBK/people.csv:2:2: error: found byte"
# A GB18030 JSON city.
py "
import csv, json, sys
tables = {}
for t in ['areas','units','organizations','people','affiliations','branches','branch_coverage',
          'party_relations','supervision','instructors']:
    with open('$TINY/' + t + '.csv', encoding='utf-8') as f:
        tables[t] = [{k: v for k, v in r.items() if v != ''} for r in csv.DictReader(f)]
tables['people'][0]['name'] = '张伟𠀀'
sys.stdout.write(json.dumps(tables, ensure_ascii=False))
" | iconv -f UTF-8 -t GB18030 >"$WORK/tiny-gb.json"
expect_exit gb-json 0 validate "$WORK/tiny-gb.json" --encoding gb18030 --format json
expect_exit gb-json-plain 3 validate "$WORK/tiny-gb.json"
expect_err gb-json-plain "--encoding gb18030"

if [ "$failures" -gt 0 ]; then
  echo "hostile: $failures failure(s)" >&2
  exit 1
fi
echo "hostile: all cases passed ($n_bad bad corpus cases)"
