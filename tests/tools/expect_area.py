#!/usr/bin/python3
"""What `orgraph export DATA --area ID [--include-people]` must contain, computed independently
from the CSV files with the rules of docs/export.md (a reference for the C++ selection).

    expect_area.py DATA_DIR AREA_ID [--people] > EXPECT.json

Areas: ID and everything below it. Orgs and units located in those areas. Branches covering
those orgs, and branches covering nothing that a selected unit supervises; then, as context,
every unit supervising a selected branch. People (with --people): affiliated with a selected
org, or with a party relation to a selected branch. Edges: every relation row (duplicates
counted once) whose two ends are selected.
"""
import csv
import json
import os
import sys


def rows(data, table):
    path = os.path.join(data, table + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def main():
    data, root = sys.argv[1], sys.argv[2]
    people_too = "--people" in sys.argv[3:]
    areas = {r["id"]: r.get("parent_id", "") for r in rows(data, "areas")}
    children = {}
    for a, p in areas.items():
        children.setdefault(p, []).append(a)
    sel_areas, stack = set(), [root]
    while stack:
        a = stack.pop()
        if a not in sel_areas:
            sel_areas.add(a)
            stack.extend(children.get(a, []))
    units = {r["id"]: r["area_id"] for r in rows(data, "units")}
    orgs = {r["id"]: r for r in rows(data, "organizations")}
    sel_orgs = {o for o, r in orgs.items() if r["area_id"] in sel_areas}
    sel_units = {u for u, a in units.items() if a in sel_areas}
    coverage = {(r["branch_id"], r["org_id"]) for r in rows(data, "branch_coverage")}
    covering = {b for b, _ in coverage}
    supervision = {(r["superior_unit_id"], r["subordinate_kind"], r["subordinate_id"])
                   for r in rows(data, "supervision")}
    sel_branches = {b for b, o in coverage if o in sel_orgs}
    sel_branches |= {s for u, k, s in supervision
                     if k == "branch" and u in sel_units and s not in covering}
    sel_units |= {u for u, k, s in supervision if k == "branch" and s in sel_branches}
    affiliations = {(r["person_id"], r["org_id"], r["role"]) for r in rows(data, "affiliations")}
    relations = {(r["person_id"], r["branch_id"]) for r in rows(data, "party_relations")}
    sel_people = set()
    if people_too:
        sel_people = {p for p, o, _ in affiliations if o in sel_orgs}
        sel_people |= {p for p, b in relations if b in sel_branches}

    rels = {
        "part_of": sum(1 for a in sel_areas if areas[a] in sel_areas),
        "located_in": sum(1 for u in sel_units if units[u] in sel_areas) + len(sel_orgs),
        "covers": sum(1 for b, o in coverage if b in sel_branches and o in sel_orgs),
        "supervises": sum(1 for u, k, s in supervision if u in sel_units and
                          s in (sel_units if k == "unit" else sel_branches)),
        "competent": sum(1 for o in sel_orgs if orgs[o].get("competent_unit_id", "") in sel_units),
        "instructs": len({(r["unit_id"], r["org_id"]) for r in rows(data, "instructors")
                          if r["unit_id"] in sel_units and r["org_id"] in sel_orgs}),
    }
    kinds = {"area": len(sel_areas), "unit": len(sel_units), "org": len(sel_orgs),
             "branch": len(sel_branches)}
    if people_too:
        kinds["person"] = len(sel_people)
        rels["affiliated"] = sum(1 for p, o, _ in affiliations if p in sel_people and o in sel_orgs)
        rels["relation"] = sum(1 for p, b in relations if p in sel_people and b in sel_branches)
    kinds = {k: v for k, v in kinds.items() if v > 0}
    rels = {k: v for k, v in rels.items() if v > 0}
    json.dump({"nodes": sum(kinds.values()), "edges": sum(rels.values()), "kinds": kinds,
               "rels": rels}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
