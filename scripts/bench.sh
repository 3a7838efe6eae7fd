#!/usr/bin/env bash
# make bench: Google Benchmark for the kernels, then whole-command timings of `batch` (and the
# load alone, CSV vs snapshot) on changzhou, province and nation at 1 and 2 threads, with peak
# memory from /usr/bin/time -v. Writes the figures (machine, date, load average, commands)
# into docs/benchmarks.md between the `make bench` markers, replacing the previous run's.
# BENCH_PRESETS="changzhou province" limits the presets (nation needs ~2.5 GB of CSV in
# BENCH_DATA, default /work/data or build/bench-data); BENCH_KERNELS=0 skips Google Benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
bin=$build/orgraph
data=${BENCH_DATA:-$( [ -d /work/data ] && echo /work/data || echo build/bench-data)}
presets=${BENCH_PRESETS:-"changzhou province nation"}
out=docs/benchmarks.md
section=$(mktemp)
mkdir -p "$data"

{
  echo "## Latest \`make bench\`"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- build: $build (Release), orgraph $("$bin" --version | awk '{print $2}'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- data: \`orgraph generate --preset P --seed 7\` in $data/bench-P; each command run once, cold"
  echo "  caches not forced (the files were just written or read)"
  echo
  echo "### Kernels (Google Benchmark)"
  echo
  echo '```'
  for b in "$build"/bench/*_bench; do
    [ -x "$b" ] && [ "${BENCH_KERNELS:-1}" != 0 ] || continue
    "$b" --benchmark_min_time=0.2 2>/dev/null | grep -E "^BM_|^[A-Za-z].*/(real_time|[0-9])" || true
  done
  echo '```'
  echo
  echo "### Whole commands"
  echo
  echo "| preset | command | threads | wall s | user s | sys s | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
} > "$section"

measure() {  # preset, label, threads, command...
  local preset=$1 label=$2 threads=$3; shift 3
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" --threads "$threads" -q > /dev/null 2> "$log" || { echo "failed: $*"; cat "$log"; exit 1; }
  awk -v p="$preset" -v l="$label" -v t="$threads" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = (n == 3) ? a[1]*3600 + a[2]*60 + a[3] : a[1]*60 + a[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 / 1024 }
    END { printf "| %s | %s | %s | %.2f | %.2f | %.2f | %.0f |\n", p, l, t, w, u, s, m }' "$log" >> "$section"
  rm -f "$log"
}

phases() {  # preset, label, threads, summary.json: the batch's own timing of each phase
  /usr/bin/python3 - "$@" >> "$section" <<'EOF'
import json, sys
preset, label, threads, path = sys.argv[1:5]
t = json.load(open(path))["timings_seconds"]
print("| %s | %s: %s | %s | | | | |" % (preset, label, ", ".join(
    "%s %.2f" % (k, v) for k, v in t.items() if k != "total"), threads))
EOF
}

for preset in $presets; do
  dir=$data/bench-$preset
  if [ ! -f "$dir/organizations.csv" ]; then
    rm -rf "$dir"
    "$bin" generate --preset "$preset" --seed 7 --out "$dir" -q > /dev/null
  fi
  snap=$data/bench-$preset.orgraph
  "$bin" build "$dir" --out "$snap" -q
  for t in 1 2; do
    measure "$preset" "validate (CSV load)" $t "$bin" validate "$dir" --format json
    measure "$preset" "stats (snapshot load)" $t "$bin" stats "$snap" --format json
    rm -rf "$data/bench-report-$preset"
    measure "$preset" "batch (CSV)" $t "$bin" batch "$dir" --out "$data/bench-report-$preset"
    phases "$preset" "batch (CSV) phases" $t "$data/bench-report-$preset/summary.json"
    measure "$preset" "batch (snapshot)" $t "$bin" batch "$snap" --out "$data/bench-report-$preset"
    phases "$preset" "batch (snapshot) phases" $t "$data/bench-report-$preset/summary.json"
  done
  echo "| $preset | CSV bytes: $(du -sb "$dir" | cut -f1) | | | | | |" >> "$section"
done
# Replace the section between the markers (appended when they are missing).
begin='<!-- make bench: begin -->'
end='<!-- make bench: end -->'
tmp="$out.tmp.$$"
if grep -qF "$begin" "$out" 2>/dev/null; then
  awk -v b="$begin" -v e="$end" -v f="$section" '
    $0 == b { print; while ((getline line < f) > 0) print line; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$out" > "$tmp"
else
  { cat "$out" 2>/dev/null; echo; echo "$begin"; cat "$section"; echo "$end"; } > "$tmp"
fi
mv "$tmp" "$out"
rm -f "$section"
echo "bench: wrote the figures into $out"
