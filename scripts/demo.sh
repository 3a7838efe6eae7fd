#!/usr/bin/env bash
# make demo: the batch job on the shipped example city, then where the report is.
set -euo pipefail
bin=${1:-build/release/orgraph}
out=${2:-build/demo-report}
data=examples/changzhou
[ -d "$data" ] || data=examples/tiny-city
if "$bin" batch --help >/dev/null 2>&1; then
  "$bin" batch "$data" --out "$out"
  echo
  echo "Report: $(cd "$out" && pwd)/report.html"
  echo "Summary: $(cd "$out" && pwd)/summary.json"
else
  # Until the batch command exists: validate and count the example city.
  mkdir -p "$out"
  "$bin" validate "$data" --format table
  "$bin" stats "$data" --format json --out "$out/stats.json"
  echo
  echo "Report: $(cd "$out" && pwd)/stats.json"
fi
