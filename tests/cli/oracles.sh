#!/usr/bin/env bash
# orgraph coverage, clusters and gaps against two independent Python reference implementations
# (tests/oracles/coverage_clusters_oracle.py and gaps_oracle.py, written from
# ../shared/contracts.md without reading the C++ sources). Compares the JSON of every command on:
# the shared tiny city and the hand-made tricky cities with every option combination, the
# Changzhou example with a thinned set, and fixed-seed random cities (plus one generated
# province city) with a drawn subset. Any disagreement fails, printing the city, the command and
# the first differences. Everything is generated in WORK_DIR at run time.
#
#   bash oracles.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
# More random cities (seeds 0..N-1; the default 30 are checked in CI): ORACLES_RANDOM=300 bash ...
set -euo pipefail
BIN=$1
SRC=$2
WORK=$3
PY=/usr/bin/python3  # Debian's, with networkx
ORACLES=$SRC/tests/oracles
SHARED_TINY=$SRC/../shared/fixtures/tiny-city
RANDOM_CITIES=${ORACLES_RANDOM:-30}
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "oracles.sh: $*" >&2; exit 1; }

"$PY" -c "import networkx" 2>/dev/null || fail "$PY has no networkx (apt-get install python3-networkx)"
[ -d "$SHARED_TINY" ] || SHARED_TINY=$SRC/examples/tiny-city  # the same city without expected.json

"$PY" "$ORACLES/hand_cases.py" "$WORK/hand" >"$WORK/hand.list"
"$PY" "$ORACLES/random_cities.py" "$WORK/random" 0 "$RANDOM_CITIES" >"$WORK/random.list"
"$BIN" generate --preset province --orgs 400 --seed 7 --out "$WORK/province" --quiet >/dev/null

# Plans (see check.py): every option combination on the cities written for coverage and
# clusters; the gaps cases and the gaps-style random cities focus on gaps.
full=("$SHARED_TINY")
sampled=("$WORK/province")
gaps=()
while read -r city; do
  case $(basename "$city") in
    status_roles | within_hub | street_direct | sorting | should_build | mjb | quirks) full+=("$city") ;;
    *.json | inactive_groups | no_status_col | empty_city | all_covered | mjb_shared | mjb_apart) sampled+=("$city") ;;
    *) gaps+=("$city") ;;
  esac
done <"$WORK/hand.list"
while read -r city; do
  case $(basename "$city") in
    cov-*) sampled+=("$city") ;;
    *) gaps+=("$city") ;;
  esac
done <"$WORK/random.list"

"$PY" "$ORACLES/check.py" "$BIN" --thin "$SRC/examples/changzhou" --full "${full[@]}" \
  --sampled "${sampled[@]}" --gaps "${gaps[@]}" || fail "orgraph and the oracles disagree (above)"
echo "oracles.sh: coverage, clusters and gaps agree with the oracles"
