#!/usr/bin/env bash
# make bench: Google Benchmark for the kernels, then whole-command timings of `batch` (and the
# load alone, CSV vs snapshot) on changzhou, province and nation at 1 and 2 threads, with peak
# memory from /usr/bin/time -v. Writes the figures (machine, date, load average, commands)
# into docs/benchmarks.md between the `make bench` markers, replacing the previous run's.
# BENCH_PRESETS="changzhou province" limits the presets (nation needs ~2.5 GB of CSV in
# BENCH_DATA, default /work/data or build/bench-data); BENCH_KERNELS=0 skips Google Benchmark.
# BENCH_REPEATS (default 5): runs of each whole command per thread count; the tables give
# medians, with the 1- and 2-thread runs interleaved (1, 2, 1, 2, ...) so that drift in the VM's
# host, which makes the same run vary by up to 2x here (docs/benchmarks.md, "Why the figures
# vary"), falls on both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
bin=$build/orgraph
data=${BENCH_DATA:-$( [ -d /work/data ] && echo /work/data || echo build/bench-data)}
presets=${BENCH_PRESETS:-"changzhou province nation"}
repeats=${BENCH_REPEATS:-5}
out=docs/benchmarks.md
section=$(mktemp)
raw=$(mktemp)        # preset, label, threads, wall, user, sys, peak MiB: one line per run
phase_raw=$(mktemp)  # preset, label, threads, the batch's timings_seconds and cpu_seconds as JSON
sizes=$(mktemp)      # preset, CSV bytes
trap 'rm -f "$section" "$raw" "$phase_raw" "$sizes"' EXIT
mkdir -p "$data"

{
  echo "## Latest \`make bench\`"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- build: $build (Release), orgraph $("$bin" --version | awk '{print $2}'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- data: \`orgraph generate --preset P --seed 7\` in $data/bench-P; each whole command run"
  echo "  $repeats times per thread count, 1 and 2 threads interleaved; caches not forced"
  echo
  # The kernels that run over a real city (coverage, clusters, the clusters graph's
  # components) take the largest snapshot an earlier run left, else the shipped example city.
  city=examples/changzhou
  for p in province nation; do [ -f "$data/bench-$p.orgraph" ] && city=$data/bench-$p.orgraph; done
  export ORGRAPH_BENCH_CITY=${ORGRAPH_BENCH_CITY:-$city}
  echo "### Kernels (Google Benchmark)"
  echo
  tunables="glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:glibc.malloc.arena_max=1"
  echo "City kernels on \`$ORGRAPH_BENCH_CITY\`; every kernel run with \`GLIBC_TUNABLES=$tunables\`"
  echo "(as \`orgraph\` runs) and \`--benchmark_min_warmup_time=0.3\`."
  echo
  echo '```'
  # With the malloc tunables the orgraph binary sets for itself (cli/main.cpp), so that the
  # kernels allocate as they do inside orgraph, and after a warm-up: a kernel whose one timed
  # iteration fills fresh memory measures the VM's page faults, not the kernel (the CSV parse at
  # 1 thread: 0.41-0.43 s cold against 0.09 s warm, 2026-11-30). Whole commands (below) keep the
  # cold memory a real run meets.
  for b in "$build"/bench/*_bench; do
    [ -x "$b" ] && [ "${BENCH_KERNELS:-1}" != 0 ] || continue
    GLIBC_TUNABLES=$tunables "$b" --benchmark_min_time=0.2 --benchmark_min_warmup_time=0.3 2>/dev/null |
      grep -E "^BM_|^[A-Za-z].*/(real_time|[0-9])" || true
  done
  echo '```'
  echo
} > "$section"

measure() {  # preset, label, threads, command...
  local preset=$1 label=$2 threads=$3; shift 3
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" --threads "$threads" -q > /dev/null 2> "$log" || { echo "failed: $*"; cat "$log"; exit 1; }
  awk -v p="$preset" -v l="$label" -v t="$threads" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = (n == 3) ? a[1]*3600 + a[2]*60 + a[3] : a[1]*60 + a[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 / 1024 }
    END { printf "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.0f\n", p, l, t, w, u, s, m }' "$log" >> "$raw"
  rm -f "$log"
}

phases() {  # preset, label, threads, summary.json: the batch's own timing of each phase
  /usr/bin/python3 -c 'import json, sys; s = json.load(open(sys.argv[4])); print("\t".join(sys.argv[1:4] + [json.dumps(s["timings_seconds"]), json.dumps(s["cpu_seconds"])]))' "$@" >> "$phase_raw"
}

for preset in $presets; do
  dir=$data/bench-$preset
  if [ ! -f "$dir/organizations.csv" ]; then
    rm -rf "$dir"
    "$bin" generate --preset "$preset" --seed 7 --out "$dir" -q > /dev/null
  fi
  snap=$data/bench-$preset.orgraph
  "$bin" build "$dir" --out "$snap" -q
  for _ in $(seq "$repeats"); do
    for t in 1 2; do
      measure "$preset" "validate (CSV load)" $t "$bin" validate "$dir" --format json
      measure "$preset" "stats (snapshot load)" $t "$bin" stats "$snap" --format json
      rm -rf "$data/bench-report-$preset"
      measure "$preset" "batch (CSV)" $t "$bin" batch "$dir" --out "$data/bench-report-$preset"
      phases "$preset" "batch (CSV)" $t "$data/bench-report-$preset/summary.json"
      measure "$preset" "batch (snapshot)" $t "$bin" batch "$snap" --out "$data/bench-report-$preset"
      phases "$preset" "batch (snapshot)" $t "$data/bench-report-$preset/summary.json"
    done
  done
  echo "$preset $(du -sb "$dir" | cut -f1)" >> "$sizes"
done

/usr/bin/python3 - "$raw" "$phase_raw" "$sizes" "$repeats" >> "$section" <<'EOF'
import collections, json, statistics, sys
raw, phase_raw, sizes, repeats = sys.argv[1:5]
med = statistics.median
runs = collections.defaultdict(list)
for line in open(raw):
    p, l, t, w, u, s, m = line.rstrip("\n").split("\t")
    runs[(p, l, int(t))].append((float(w), float(u), float(s), float(m)))
phase = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(phase_raw):
    p, l, t, wall, cpu = line.rstrip("\n").split("\t")
    cpu = json.loads(cpu)
    for k, v in json.loads(wall).items():
        c = cpu.get(k, {"user": 0.0, "system": 0.0})
        phase[(p, l, int(t))][k].append((v, c["user"], c["system"]))
print("### Whole commands (median of %s runs)" % repeats)
print()
print("| preset | command | threads | wall s: median (min-max) | user s | sys s | peak RSS MiB (max) |")
print("|---|---|---|---|---|---|---|")
for (p, l, t), r in runs.items():
    w = [x[0] for x in r]
    print("| %s | %s | %d | %.2f (%.2f-%.2f) | %.2f | %.2f | %.0f |" % (
        p, l, t, med(w), min(w), max(w), med(x[1] for x in r), med(x[2] for x in r),
        max(x[3] for x in r)))
for line in open(sizes):
    p, b = line.split()
    print("| %s | CSV bytes: %s | | | | | |" % (p, b))
print()
def busy(r):
    # (wall, user, system) per run: median CPUs kept busy (CPU seconds over wall seconds).
    ratios = [(u + s) / w for w, u, s in r if w > 0]
    return "%.2f" % med(ratios) if ratios else ""
def paired(one, two):
    # Run i at 1 thread and run i at 2 threads ran back to back: their ratio, min-max over i.
    r = [a / b for a, b in zip(one, two) if b > 0]
    return "%.2f-%.2fx" % (min(r), max(r)) if r else ""
print("### 1 -> 2 threads (ratio of the medians; batch phases from summary.json)")
print()
print("The speed-up is the ratio of the medians. The last column pairs each 1-thread run with")
print("the 2-thread run right after it and gives the lowest and highest of those ratios: how")
print("far one pair of runs can stray on this VM. \"CPUs busy\" is the CPU time of all the")
print("process's threads over the wall time (medians, 1 / 2 threads; a phase's from")
print("summary.json's cpu_seconds): well under 2 at 2 threads shows a long serial stretch; near 2")
print("with a ratio under 2, each CPU second costs more with two (short serial pieces do not show:")
print("oneTBB's idle workers spin, which is CPU time too); \"system s\" is the kernel's share")
print("(mostly fresh memory and page cache on this VM).")
print()
print("| preset | what | 1 thread s | 2 threads s | speed-up | paired runs | CPUs busy | system s |")
print("|---|---|---|---|---|---|---|---|")
for (p, l, t), r in runs.items():
    if t != 1 or (p, l, 2) not in runs:
        continue
    r2 = runs[(p, l, 2)]
    one, two = [x[0] for x in r], [x[0] for x in r2]
    a, b = med(one), med(two)
    print("| %s | %s | %.2f | %.2f | %.2fx | %s | %s / %s | %.2f / %.2f |" % (
        p, l, a, b, a / b, paired(one, two), busy([x[:3] for x in r]), busy([x[:3] for x in r2]),
        med(x[2] for x in r), med(x[2] for x in r2)))
    for k, v in phase.get((p, l, 1), {}).items():
        v2 = phase[(p, l, 2)].get(k)
        if not v2 or k in ("summary", "total"):
            continue
        one, two = [x[0] for x in v], [x[0] for x in v2]
        a, b = med(one), med(two)
        small = b < 0.05
        cells = [p, "%s: %s" % (l, k), "%.2f" % a, "%.2f" % b]
        if small:
            cells += ["(under 0.05 s)", "", "", ""]
        else:
            cells += ["%.2fx" % (a / b), paired(one, two), "%s / %s" % (busy(v), busy(v2)),
                      "%.2f / %.2f" % (med(x[2] for x in v), med(x[2] for x in v2))]
        print("| " + " | ".join(cells) + " |")
EOF

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
echo "bench: wrote the figures into $out"
