#!/usr/bin/env bash
# Determinism (issue 8): every command's output is byte-identical at --threads 1, 2 and 8 and
# across repeated runs, on generated cities (two presets, two seeds). Covers the generator
# itself, stats, validate, coverage in every --by grouping and format, clusters, joint-branches,
# gaps, export in every format, build (snapshot bytes) and batch (every file; summary.json
# compared without its timings and thread count).
# Usage: bash determinism.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -u
BIN=$1
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The runs: thread counts, with 8 twice (a repeated run).
RUNS="1 2 8 8r"
threads_of() { echo "${1%r}"; }

# same TAG FILE...: the files of every run (WORK/RUN/...) are byte-identical to run 1's.
same() {
  local tag=$1
  shift
  for f in "$@"; do
    for run in $RUNS; do
      [ "$run" = 1 ] && continue
      if ! cmp -s "$WORK/1/$f" "$WORK/$run/$f"; then
        fail "$tag: $f differs between --threads 1 and $run"
        cmp "$WORK/1/$f" "$WORK/$run/$f" 2>&1 | head -1 >&2
      fi
    done
  done
}

# each NAME ARGS...: runs `orgraph ARGS --threads T` for every run, stdout to WORK/RUN/NAME.
each() {
  local name=$1
  shift
  for run in $RUNS; do
    mkdir -p "$WORK/$run"
    if ! "$BIN" "$@" --threads "$(threads_of "$run")" --quiet >"$WORK/$run/$name" \
      2>"$WORK/$run/$name.err"; then
      fail "$name: orgraph $* --threads $(threads_of "$run") failed"
      tail -3 "$WORK/$run/$name.err" >&2
    fi
  done
  same "$name" "$name"
}

# The cities: a Changzhou-sized slice and a small province (several cities), different seeds.
# The generator must itself be deterministic at any thread count.
for city in "changzhou 3000 11" "province 6000 12"; do
  set -- $city
  preset=$1 orgs=$2 seed=$3
  name="$preset-$seed"
  for run in $RUNS; do
    mkdir -p "$WORK/$run"
    "$BIN" generate --preset "$preset" --orgs "$orgs" --seed "$seed" --out "$WORK/$run/$name" \
      --threads "$(threads_of "$run")" --quiet --format json >/dev/null ||
      fail "generate $name --threads $(threads_of "$run") failed"
  done
  for f in areas units organizations people affiliations branches branch_coverage \
    party_relations supervision instructors; do
    same "generate $name" "$name/$f.csv"
  done
done

CITY="$WORK/1/changzhou-11"
CITY2="$WORK/1/province-12"
for fmt in table json csv; do
  each "stats.$fmt" stats "$CITY" --format "$fmt"
  each "validate.$fmt" validate "$CITY" --format "$fmt"
  each "coverage-district.$fmt" coverage "$CITY" --by district --format "$fmt"
  each "clusters.$fmt" clusters "$CITY" --format "$fmt"
  each "joint-branches.$fmt" joint-branches "$CITY" --format "$fmt"
  each "gaps.$fmt" gaps "$CITY" --format "$fmt"
done
for fmt in json csv; do
  for by in street industry kind registration_level; do
    each "coverage-$by.$fmt" coverage "$CITY" --by "$by" --format "$fmt"
  done
done
each "clusters-all-links.json" clusters "$CITY" --link person,community,street-industry \
  --within district --format json
each "joint-branches-both.json" joint-branches "$CITY" --basis both --no-fillers --format json
# One org: whom it can join with.
org=$(awk -F, 'NR == 2 { print $1 }' "$CITY/organizations.csv")
each "joint-branches-org.json" joint-branches "$CITY" --org "$org" --top 5 --format json
for to in cytoscape gexf graphology jgf node-link graphml; do
  each "export.$to" export "$CITY" --to "$to"
  each "export-people.$to" export "$CITY" --to "$to" --include-people --only clusters
done
each "export-jb.gexf" export "$CITY" --to gexf --only joint-branches
each "export-gaps.cytoscape" export "$CITY" --to cytoscape --only gaps
# The second city: the JSON outputs of every query.
for cmd in "coverage --by street" clusters joint-branches gaps stats; do
  # shellcheck disable=SC2086
  each "city2-$(echo $cmd | tr ' ' '_').json" $cmd "$CITY2" --format json
done
each "city2-export.graphology" export "$CITY2" --to graphology --include-people

# build: the snapshot's bytes.
for c in "$CITY" "$CITY2"; do
  base=$(basename "$c")
  for run in $RUNS; do
    "$BIN" build "$c" --out "$WORK/$run/$base.orgraph" --threads "$(threads_of "$run")" \
      --quiet >/dev/null 2>&1 || fail "build $base --threads $(threads_of "$run") failed"
  done
  same build "$base.orgraph"
done
# Queries over the snapshot equal those over the CSVs.
"$BIN" coverage "$WORK/1/changzhou-11.orgraph" --format json --quiet >"$WORK/1/snap-coverage" ||
  fail "coverage on the snapshot failed"
"$BIN" coverage "$CITY" --format json --quiet >"$WORK/1/csv-coverage"
cmp -s "$WORK/1/snap-coverage" "$WORK/1/csv-coverage" || fail "coverage: snapshot != CSV"

# batch: every file of the report; summary.json without timings (wall and CPU) and threads.
for run in $RUNS; do
  "$BIN" batch "$CITY" --out "$WORK/$run/report" --threads "$(threads_of "$run")" --quiet \
    >/dev/null 2>&1 || fail "batch --threads $(threads_of "$run") failed"
  /usr/bin/python3 - "$WORK/$run/report/summary.json" >"$WORK/$run/summary.norm" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("timings_seconds", None)
s.pop("cpu_seconds", None)
s.pop("threads", None)
json.dump(s, sys.stdout, indent=1, sort_keys=True)
EOF
done
files=$(cd "$WORK/1/report" && ls)
[ -n "$files" ] || fail "batch wrote no files"
for f in $files; do
  [ "$f" = summary.json ] && continue
  same batch "report/$f"
done
same batch summary.norm
for run in $RUNS; do
  [ "$(ls "$WORK/$run/report")" = "$files" ] || fail "batch --threads $run wrote other files"
done

if [ "$failures" -gt 0 ]; then
  echo "determinism: $failures failure(s)" >&2
  exit 1
fi
echo "determinism: all outputs identical at --threads 1, 2, 8 and on a repeated run"
