#!/usr/bin/env bash
# orgraph generate from the command line: writes a loadable city, refuses a non-empty folder
# unless --force, rejects bad options with exit code 2, and is identical at any --threads.
set -euo pipefail
ORGRAPH=$1
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ORGRAPH" generate --preset changzhou --orgs 1500 --seed 3 --out "$WORK/a" --format json > "$WORK/a.json"
grep -q '"organizations":1500' "$WORK/a.json" || fail "summary does not count 1500 organizations"
for f in areas units organizations people affiliations branches branch_coverage party_relations supervision instructors; do
  [ -s "$WORK/a/$f.csv" ] || fail "missing $f.csv"
done
"$ORGRAPH" validate "$WORK/a" --format json > "$WORK/v.json" || fail "generated city does not validate"
grep -q '"valid":true' "$WORK/v.json" || fail "validate did not report valid"

# Same seed at another thread count: identical bytes.
"$ORGRAPH" --threads 1 generate --preset changzhou --orgs 1500 --seed 3 --out "$WORK/b" -q --format csv > /dev/null
diff -r "$WORK/a" "$WORK/b" > /dev/null || fail "output differs between --threads"

# A non-empty folder is refused (exit 2) and left as it was; --force replaces it.
set +e
"$ORGRAPH" generate --preset changzhou --orgs 1500 --out "$WORK/a" > /dev/null 2> "$WORK/err.txt"
code=$?
set -e
[ "$code" -eq 2 ] || fail "non-empty --out gave exit $code, expected 2"
grep -q -- "--force" "$WORK/err.txt" || fail "the refusal does not mention --force"
"$ORGRAPH" generate --preset changzhou --orgs 1500 --seed 4 --out "$WORK/a" --force --format csv > /dev/null
diff -r "$WORK/a" "$WORK/b" > /dev/null && fail "--force did not replace the folder"

# Bad options.
for args in "--preset planet --out $WORK/c" "--preset changzhou --orgs 0 --out $WORK/c" "--preset changzhou"; do
  set +e
  # shellcheck disable=SC2086
  "$ORGRAPH" generate $args > /dev/null 2>&1
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "'generate $args' gave exit $code, expected 2"
done
[ ! -e "$WORK/c" ] || fail "a failed run left $WORK/c behind"
ls -a "$WORK" | grep -q '\.tmp-' && fail "a temporary folder was left behind"
echo "generate: ok"
