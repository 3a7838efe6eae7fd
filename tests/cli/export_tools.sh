#!/usr/bin/env bash
# Every export format, opened by the real tools users open it with:
#   cytoscape.js (headless), graphology (Graph.from), graphology-gexf, ajv + the JSON Graph
#   Format v2 schema (tests/tools/check_export.js, node), and networkx read_gexf, read_graphml,
#   node_link_graph (tests/tools/check_export_nx.py, Debian's /usr/bin/python3).
# What they see is checked against `orgraph stats` on the same data, and against answers worked
# by hand from the tiny city (../shared/fixtures/tiny-city/expected.json and README).
#
#   bash export_tools.sh ORGRAPH_BIN SOURCE_DIR WORK_DIR
set -euo pipefail
BIN=$1
SRC=$2
WORK=$3
TOOLS=$SRC/tests/tools
PY=/usr/bin/python3
SHARED=$SRC/../shared
TINY=$SRC/examples/tiny-city
export JGF_SCHEMA=$SHARED/schemas/json-graph-schema_v2.json

fail() { echo "export_tools: $*" >&2; exit 1; }
[ -d "$TOOLS/node_modules/cytoscape" ] ||
  fail "tests/tools/node_modules is missing: run scripts/setup.sh (it runs npm ci there)"
command -v node >/dev/null || fail "node is missing: run scripts/setup.sh"
"$PY" -c 'import networkx' 2>/dev/null || fail "python3-networkx is missing: run scripts/setup.sh"
[ -f "$JGF_SCHEMA" ] || fail "no JSON Graph Format schema at $JGF_SCHEMA"

rm -rf "$WORK"
mkdir -p "$WORK"
FORMATS="cytoscape gexf graphology jgf node-link graphml"

# export_all NAME DATA [OPTIONS...]: NAME.<format> for every format.
export_all() {
  local name=$1 data=$2
  shift 2
  for f in $FORMATS; do
    "$BIN" export "$data" --to "$f" "$@" --out "$WORK/$name.$f" --quiet
  done
}
# check_all NAME EXPECT.json...: every loader on every format it reads.
check_all() {
  local name=$1
  shift
  for f in cytoscape graphology gexf jgf graphml; do
    node "$TOOLS/check_export.js" "$f" "$WORK/$name.$f" "$@"
  done
  for f in gexf graphml node-link; do
    "$PY" "$TOOLS/check_export_nx.py" "$f" "$WORK/$name.$f" "$@"
  done
}

# ---- Tiny city: counts from stats, facts from the hand-worked answers ------------------------
"$BIN" stats "$TINY" --format json >"$WORK/tiny.stats.json"
"$PY" "$TOOLS/expect_from_stats.py" "$WORK/tiny.stats.json" >"$WORK/tiny.expect.json"
"$PY" "$TOOLS/expect_from_stats.py" "$WORK/tiny.stats.json" --people >"$WORK/tiny-people.expect.json"
"$PY" - "$SHARED/fixtures/tiny-city/expected.json" "$TINY/people.csv" "$WORK" <<'EOF'
import csv, json, sys
expected, people_csv, work = sys.argv[1:4]
e = json.load(open(expected, encoding="utf-8"))["coverage"]
names = [r["name"] for r in csv.DictReader(open(people_csv, encoding="utf-8")) if r["name"]]
hand = {
    "counts": [["org", "should_build", True, len(e["should_build"])]],
    "node_attrs": {f"org:{o}": {"should_build": True, "covered": False} for o in e["should_build"]},
    "forbidden_text": names,  # people's names never appear without --include-names
}
# coverage.total counts active orgs; O11 is deregistered, so it is neither covered nor counted.
hand["node_attrs"].update({
    "area:C": {"active_orgs": e["total"]["orgs"], "covered_orgs": e["total"]["covered"],
               "work_covered_orgs": e["total"]["work_covered"], "label": "Demo City",
               "lat": 31.78, "lon": 119.95},
    "org:O8": {"covered": True, "full_members": 3, "label": "Harbour Elderly Care"},
    "org:O12": {"covered": False, "work_covered": True},
    "org:O11": {"covered": False, "status": "deregistered"},
    "org:O3": {"label": "Pine Calligraphy Society, Youth", "street": "S1", "district": "D1"},
    "branch:B2": {"form": "joint_branch", "orgs_covered": 2, "members": 3, "full_members": 2},
    "unit:EDU1": {"line": "industry", "level": "district", "industry": "education"},
})
json.dump(hand, open(f"{work}/tiny.hand.json", "w"))
json.dump({"forbidden_text": names}, open(f"{work}/no-names.json", "w"))
EOF

export_all tiny "$TINY"
check_all tiny "$WORK/tiny.expect.json" "$WORK/tiny.hand.json"

# People, labelled by id; then by name.
cat >"$WORK/people-ids.json" <<'EOF'
{"node_attrs": {"person:P1": {"label": "P1", "party_status": "full"},
                "person:P20": {"label": "P20", "party_status": "probationary"}}}
EOF
export_all tiny-people "$TINY" --include-people
check_all tiny-people "$WORK/tiny-people.expect.json" "$WORK/tiny.hand.json" "$WORK/people-ids.json"
cat >"$WORK/people-names.json" <<'EOF'
{"node_attrs": {"person:P1": {"label": "Li Wei"}, "person:P20": {"label": "Luo Qin"}}}
EOF
export_all tiny-names "$TINY" --include-people --include-names
check_all tiny-names "$WORK/tiny-people.expect.json" "$WORK/people-names.json"

# --area S1 (River Street), worked by hand: areas S1 K1 K2; units ST1 (S1) and CM1 (K1); orgs
# O9 (S1), O1 O2 O7 O10 (K1), O3 O4 (K2); branches B2 (covers O9 O10) and B5 (covers nothing,
# supervised by CM1); context superiors ST1 and CM1 are already in. Edges: part_of K1 K2 -> S1;
# located_in 2 units + 7 orgs; covers B2->O9, B2->O10; supervises ST1->CM1, ST1->B2, CM1->B5.
cat >"$WORK/area-s1.json" <<'EOF'
{"nodes": 14, "edges": 16,
 "kinds": {"area": 3, "unit": 2, "org": 7, "branch": 2},
 "rels": {"part_of": 2, "located_in": 9, "covers": 2, "supervises": 3},
 "absent_nodes": ["area:D1", "area:S2", "org:O5", "branch:B1", "unit:EDU1"],
 "node_attrs": {"area:S1": {"active_orgs": 7, "covered_orgs": 2}}}
EOF
export_all tiny-area "$TINY" --area S1
check_all tiny-area "$WORK/area-s1.json" "$WORK/no-names.json"

# ... with people: those affiliated with its orgs (P1-P6, P11-P13, P18-P20; P4 twice: staff of
# O2, member of O3) and the party members of B2 (P18-P20): 12 people, 13 affiliated + 3 relation.
cat >"$WORK/area-s1-people.json" <<'EOF'
{"nodes": 26, "edges": 32,
 "kinds": {"area": 3, "unit": 2, "org": 7, "branch": 2, "person": 12},
 "rels": {"part_of": 2, "located_in": 9, "covers": 2, "supervises": 3, "affiliated": 13,
          "relation": 3},
 "absent_nodes": ["person:P7", "person:P14"]}
EOF
export_all tiny-area-people "$TINY" --area S1 --include-people
check_all tiny-area-people "$WORK/area-s1-people.json" "$WORK/no-names.json"

# --only uncovered: O1-O7 and O12 (8 orgs), all 10 areas that hold them and their parents;
# context units EDU1 (competent for O1 O5 O6), CAD1 (instructor of O12), CM1 (K1), ST1 (S1),
# ST2 (S2). Edges: 9 part_of, 13 located_in, CAD1->ST1, CAD1->ST2, ST1->CM1, 3 competent,
# 1 instructs.
cat >"$WORK/uncovered.json" <<'EOF'
{"nodes": 23, "edges": 29,
 "kinds": {"area": 10, "unit": 5, "org": 8},
 "rels": {"part_of": 9, "located_in": 13, "supervises": 3, "competent": 3, "instructs": 1},
 "counts": [["org", "covered", true, 0], ["org", "covered", false, 8]],
 "absent_nodes": ["org:O8", "org:O11", "branch:B2", "unit:ORG"]}
EOF
export_all tiny-uncovered "$TINY" --only uncovered
check_all tiny-uncovered "$WORK/uncovered.json" "$WORK/no-names.json"

# --area S1 --only uncovered: O1 O2 O7 O3 O4; areas K1 K2 S1; units EDU1 CM1 ST1.
cat >"$WORK/area-uncovered.json" <<'EOF'
{"nodes": 11, "edges": 11,
 "kinds": {"area": 3, "unit": 3, "org": 5},
 "rels": {"part_of": 2, "located_in": 7, "supervises": 1, "competent": 1},
 "absent_nodes": ["org:O9", "org:O10", "area:D1"]}
EOF
export_all tiny-area-uncovered "$TINY" --area S1 --only uncovered
check_all tiny-area-uncovered "$WORK/area-uncovered.json"

# --only clusters: the two clusters of the tiny-city README hold all 8 uncovered orgs, so the
# nodes and edges are those of --only uncovered, each org carrying its cluster's rank.
cat >"$WORK/clusters.json" <<'EOF'
{"nodes": 23, "edges": 29,
 "kinds": {"area": 10, "unit": 5, "org": 8},
 "counts": [["org", "cluster", 1, 6], ["org", "cluster", 2, 2], ["org", "cluster_size", 6, 6]],
 "node_attrs": {"org:O12": {"cluster": 1}, "org:O5": {"cluster": 2, "cluster_size": 2}}}
EOF
export_all tiny-clusters "$TINY" --only clusters
check_all tiny-clusters "$WORK/clusters.json" "$WORK/no-names.json"

# --only joint-branches: candidates O1-O6 and O12, proposals {O1 O2 O3 O4} (River Street, ST1)
# and {O5 O6} (education, East District, EDU1); units EDU1 CAD1 CM1 ST1 ST2 as for uncovered.
# Edges: 9 part_of, 12 located_in, 3 supervises (CAD1->ST1, CAD1->ST2, ST1->CM1), 3 competent,
# 1 instructs, 6 proposes, 2 would_supervise.
cat >"$WORK/joint.json" <<'EOF'
{"nodes": 24, "edges": 36,
 "kinds": {"area": 10, "unit": 5, "org": 7, "proposed_branch": 2},
 "rels": {"part_of": 9, "located_in": 12, "supervises": 3, "competent": 3, "instructs": 1,
          "proposes": 6, "would_supervise": 2},
 "counts": [["org", "joint_status", "grouped", 6], ["org", "joint_status", "no_feasible_group", 1],
            ["proposed_branch", "basis", "street", 1], ["proposed_branch", "basis", "industry", 1]],
 "node_attrs": {"proposed_branch:J2": {"label": "Joint branch J2 (River Street)", "cost": 2,
                                       "area_id": "S1", "full_members": 4},
                "proposed_branch:J1": {"industry": "education", "superior_missing": false},
                "org:O1": {"joint_group": "J2"}, "org:O6": {"joint_group": "J1"}}}
EOF
export_all tiny-joint "$TINY" --only joint-branches
check_all tiny-joint "$WORK/joint.json" "$WORK/no-names.json"

# --only gaps: the subjects and involved entities of every gap (expected.json "gaps", plus the
# info-level extras), their direct superiors and areas; P13 (duplicate_relation) by id only.
# Units: CAD1 EDU1 ST1 ST2 LOOP CUL2 named, CA EDU as superiors; orgs O2 O3 O4 O7 O8 O10 O11
# O12; branches B1-B4; person P13. Edges: 9 part_of, 16 located_in, 3 covers, 5 unit and
# 4 branch supervises, 1 instructs, P13 affiliated with O7, relations to B3 and B4.
cat >"$WORK/gaps.json" <<'EOF'
{"nodes": 31, "edges": 41,
 "kinds": {"area": 10, "unit": 8, "org": 8, "branch": 4, "person": 1},
 "rels": {"part_of": 9, "located_in": 16, "covers": 3, "supervises": 9, "instructs": 1,
          "affiliated": 1, "relation": 2},
 "node_attrs": {"unit:LOOP": {"gaps": "supervision_cycle", "gap_severity": "error"},
                "unit:CUL2": {"gaps": "broken_chain"},
                "person:P13": {"gaps": "duplicate_relation", "label": "P13"},
                "org:O2": {"gaps": "no_responsible_unit"},
                "branch:B1": {"gaps": "level_mismatch;jurisdiction_mismatch",
                              "gap_severity": "warning"}}}
EOF
export_all tiny-gaps "$TINY" --only gaps
check_all tiny-gaps "$WORK/gaps.json" "$WORK/no-names.json"

# ---- A city with hostile names and ids (XML/JSON metacharacters, Chinese, emoji, controls) ----
"$PY" "$TOOLS/make_city.py" "$WORK/tricky" --orgs 1000 --seed 7
"$BIN" stats "$WORK/tricky" --format json >"$WORK/tricky.stats.json"
"$PY" "$TOOLS/expect_from_stats.py" "$WORK/tricky.stats.json" --people >"$WORK/tricky.expect.json"
cat >"$WORK/tricky-labels.json" <<'EOF'
{"node_attrs": {
  "org:O3": {"label": "Smith & Sons \"Care\" <Centre> 3"},
  "org:O10": {"label": "O'Brien's Club 10"},
  "org:组织&17": {"label": "常州市天宁区青年志愿者协会 17", "entity_id": "组织&17"},
  "org:O31": {"label": "Back\\slash \\n literal 31"},
  "org:O38": {"label": "Tab\there 38"},
  "org:O45": {"label": "Line\nbreak 45"},
  "org:O59": {"label": "Emoji 🎉 club 59"},
  "org:O66": {"label": "Quote \"inside\" and 'single' 66"},
  "org:O73": {"label": "]]> CDATA end 73"},
  "org:O80": {"label": "\u2028line separator\u2029 80"},
  "area:D0S0社区&2": {"kind": "area", "level": "community"}}}
EOF
export_all tricky "$WORK/tricky" --include-people
check_all tricky "$WORK/tricky.expect.json" "$WORK/tricky-labels.json"
# Control characters: kept (escaped) in JSON; in XML, where XML 1.0 forbids them, each is U+FFFD.
printf '{"node_attrs": {"org:O52": {"label": "Bell\\u0007and\\u0001controls\\u001f 52"}}}' \
  >"$WORK/controls-json.json"
printf '{"node_attrs": {"org:O52": {"label": "Bell\\ufffdand\\ufffdcontrols\\ufffd 52"}}}' \
  >"$WORK/controls-xml.json"
for f in cytoscape graphology jgf; do
  node "$TOOLS/check_export.js" "$f" "$WORK/tricky.$f" "$WORK/tricky.expect.json" "$WORK/controls-json.json"
done
"$PY" "$TOOLS/check_export_nx.py" node-link "$WORK/tricky.node-link" "$WORK/tricky.expect.json" \
  "$WORK/controls-json.json"
for f in gexf graphml; do
  node "$TOOLS/check_export.js" "$f" "$WORK/tricky.$f" "$WORK/tricky.expect.json" "$WORK/controls-xml.json"
  "$PY" "$TOOLS/check_export_nx.py" "$f" "$WORK/tricky.$f" "$WORK/tricky.expect.json" \
    "$WORK/controls-xml.json"
done

# ---- Changzhou (generated, examples/changzhou): whole graph against stats; a district with
# people against an independent Python reading of the CSV files (tests/tools/expect_area.py) ----
CZ=$SRC/examples/changzhou
"$BIN" stats "$CZ" --format json >"$WORK/cz.stats.json"
"$PY" "$TOOLS/expect_from_stats.py" "$WORK/cz.stats.json" >"$WORK/cz.expect.json"
export_all cz "$CZ"
check_all cz "$WORK/cz.expect.json"
"$PY" "$TOOLS/expect_area.py" "$CZ" 320402 >"$WORK/cz-district.expect.json"
export_all cz-district "$CZ" --area 320402
check_all cz-district "$WORK/cz-district.expect.json"
"$PY" "$TOOLS/expect_area.py" "$CZ" 320402001 --people >"$WORK/cz-street.expect.json"
export_all cz-street "$CZ" --area 320402001 --include-people
check_all cz-street "$WORK/cz-street.expect.json"
"$PY" "$TOOLS/expect_area.py" "$WORK/tricky" D1S2 --people >"$WORK/tricky-area.expect.json"
export_all tricky-area "$WORK/tricky" --area D1S2 --include-people
check_all tricky-area "$WORK/tricky-area.expect.json"

echo "export_tools: all formats loaded by cytoscape.js, graphology, graphology-gexf, ajv, networkx"
