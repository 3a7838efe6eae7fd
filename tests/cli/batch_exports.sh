#!/usr/bin/env bash
# orgraph batch: the Cytoscape/Gephi exports hold at most --export-max-orgs organizations (the
# largest clusters first, then joint branches in plan order, then unplaced candidates), and
# summary.json says exactly what was exported. Without a cap that bites, the exports equal
# `orgraph export --only clusters|joint-branches`. Also: summary.json times every phase, wall
# (timings_seconds) and CPU (cpu_seconds), and the progress lines in a log say the same.
#
#   bash batch_exports.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -euo pipefail
BIN=$1
SRC=$2
WORK=$3
CITY=$SRC/examples/changzhou
PY=/usr/bin/python3
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "batch_exports.sh: $*" >&2; exit 1; }

"$BIN" batch "$CITY" --out "$WORK/all" 2>"$WORK/all.log"
$PY - "$WORK/all/summary.json" "$WORK/all.log" <<'EOF' || fail "the phases' timings are not what they should be"
import json, re, sys
s = json.load(open(sys.argv[1]))
wall, cpu = s["timings_seconds"], s["cpu_seconds"]
phases = ["load", "coverage", "clusters", "gaps", "gap files", "joint branches", "exports",
          "report", "sync", "summary"]
assert list(wall) == phases + ["total"], list(wall)
assert list(cpu) == phases, list(cpu)
for p in phases:
    assert set(cpu[p]) == {"user", "system"}, cpu[p]
    assert wall[p] >= 0 and cpu[p]["user"] >= 0 and cpu[p]["system"] >= 0, (p, wall[p], cpu[p])
assert sum(wall[p] for p in phases) <= wall["total"] + 1e-6, wall
assert sum(c["user"] + c["system"] for c in cpu.values()) > 0, cpu
# The log: one line per phase, in order, with the same wall and CPU figures (3 decimals).
lines = [l for l in open(sys.argv[2]) if l.startswith("orgraph: [")]
assert len(lines) == len(phases), lines
for i, (p, line) in enumerate(zip(phases, lines), 1):
    m = re.fullmatch(r"orgraph: \[(\d+)/10\] (.+) done in ([\d.]+) s \(CPU ([\d.]+) s user, ([\d.]+) s system\)\n", line)
    assert m and int(m[1]) == i and m[2] == p, line
    for got, want in zip(map(float, m.group(3, 4, 5)), (wall[p], cpu[p]["user"], cpu[p]["system"])):
        assert abs(got - want) <= 0.0005 + 1e-9, (line, want)
EOF
"$BIN" export "$CITY" --to cytoscape --only clusters --quiet --out "$WORK/clusters.cyjs"
"$BIN" export "$CITY" --to gexf --only joint-branches --quiet --out "$WORK/joint.gexf"
# The batch's files carry their own names in the graph metadata; compare the elements.
$PY - "$WORK/all/clusters.cyjs" "$WORK/clusters.cyjs" <<'EOF' || fail "batch clusters.cyjs differs from export --only clusters"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["elements"] == b["elements"], "elements differ"
EOF
grep -c "<node " "$WORK/all/joint_branches.gexf" >"$WORK/n1"
grep -c "<node " "$WORK/joint.gexf" >"$WORK/n2"
cmp -s "$WORK/n1" "$WORK/n2" || fail "joint_branches.gexf has $(cat "$WORK/n1") nodes, export has $(cat "$WORK/n2")"

"$BIN" batch "$CITY" --out "$WORK/capped" --export-max-orgs 500 --quiet
$PY - "$WORK/all" "$WORK/capped" <<'EOF' || fail "the export cap is not what summary.json says"
import json, sys
full = json.load(open(sys.argv[1] + "/summary.json"))
cap = json.load(open(sys.argv[2] + "/summary.json"))
x = cap["exports"]
assert x["max_orgs"] == 500, x
# Uncapped: every cluster of 2+ orgs and every group and unplaced candidate.
f = full["exports"]
assert f["clusters"]["exported"] == f["clusters"]["total"] > 0, f
assert f["joint_branches"]["exported"] == f["joint_branches"]["total"] == full["joint_branches"]["groups"], f
assert f["joint_branches"]["unplaced_exported"] == f["joint_branches"]["unplaced_total"], f

def org_nodes(path):
    d = json.load(open(path))
    return [n["data"] for n in d["elements"]["nodes"] if n["data"].get("kind") == "org"]

# Capped: the largest clusters whose sizes add up to at most 500 (always the largest one).
orgs = org_nodes(sys.argv[2] + "/clusters.cyjs")
assert len(orgs) == x["clusters"]["orgs"], (len(orgs), x)
assert x["clusters"]["orgs"] <= 500 or x["clusters"]["exported"] == 1, x
assert 0 < x["clusters"]["exported"] < x["clusters"]["total"], x
sizes = sorted({(o["cluster"], o["cluster_size"]) for o in orgs})
all_sizes = sorted((o["cluster_size"] for o in {o["cluster"]: o for o in org_nodes(sys.argv[1] + "/clusters.cyjs")}.values()), reverse=True)
assert sorted((s for _, s in sizes), reverse=True) == all_sizes[:len(sizes)], "not the largest clusters"
# Joint branches: at most 500 organizations in groups plus unplaced candidates.
j = x["joint_branches"]
assert j["orgs"] <= 500 and j["exported"] < j["total"] and j["unplaced_exported"] == 0, j
jorgs = org_nodes(sys.argv[2] + "/joint_branches.cyjs")
assert len(jorgs) == j["orgs"], (len(jorgs), j)
EOF
echo "batch_exports.sh: ok"
