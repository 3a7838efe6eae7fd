#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 60) over a seed corpus made from tests/. A finding is saved in
# build/fuzz/findings/<target>/; add it to tests/corpus/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
build=build/fuzz
CC=clang CXX=clang++ cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DORGRAPH_FUZZ=ON -DORGRAPH_BUILD_TESTS=OFF -DORGRAPH_BUILD_BENCH=OFF -DORGRAPH_WERROR=OFF >/dev/null
cmake --build $build -j "$(nproc)" --target csv_fuzz json_fuzz snapshot_fuzz city_csv_fuzz orgraph

seeds=$build/seeds
rm -rf "$seeds" && mkdir -p "$seeds"/{csv,json,snapshot,city}
i=0
for f in tests/corpus/bad/*/* examples/tiny-city/*.csv; do
  case "$f" in *expect|*.absent) continue ;; esac
  cp "$f" "$seeds/csv/seed$((i++))"
done
# A whole city: the ten tables joined by 0x1E, in load order.
city=""
for t in areas units organizations people branches affiliations branch_coverage party_relations supervision instructors; do
  city+="$(cat examples/tiny-city/$t.csv)"$'\x1e'
done
printf '%s' "$city" > "$seeds/city/tiny"
/usr/bin/python3 - "$seeds/json/tiny.json" <<'PY'
import csv, json, sys, os
tables = ["areas","units","organizations","people","branches","affiliations","branch_coverage","party_relations","supervision","instructors"]
doc = {t: [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(open(f"examples/tiny-city/{t}.csv", encoding="utf-8"))] for t in tables}
json.dump(doc, open(sys.argv[1], "w"), ensure_ascii=False)
PY
$build/orgraph build examples/tiny-city --out "$seeds/snapshot/tiny.orgraph" -q

status=0
for target in csv_fuzz json_fuzz snapshot_fuzz city_csv_fuzz; do
  case $target in
    csv_fuzz) corpus=$seeds/csv ;;
    json_fuzz) corpus=$seeds/json ;;
    snapshot_fuzz) corpus=$seeds/snapshot ;;
    city_csv_fuzz) corpus=$seeds/city ;;
  esac
  findings=$build/findings/$target
  mkdir -p "$findings" "$build/work/$target"
  echo "fuzz: $target for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/$target" "$build/work/$target" "$corpus" \
      -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -timeout=10 \
      -artifact_prefix="$findings/" -print_final_stats=1 2>"$build/$target.log"; then
    echo "fuzz: $target FOUND A PROBLEM: see $build/$target.log and $findings/"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$target.log" | tail -2 || true
  fi
done
exit $status
