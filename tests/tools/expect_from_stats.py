#!/usr/bin/python3
"""What a whole-graph export must contain, derived from `orgraph stats --format json`.

    expect_from_stats.py STATS.json [--people] > EXPECT.json

Nodes: every area, unit, organization and branch (and person with --people). Edges: part_of
for every area but the top-level ones (cities), located_in for every unit and organization,
one covers / supervises / competent / instructs edge per relation row (and affiliated /
relation with --people). Attribute counts: organizations by kind, status, covered and
work_covered; areas by level; units by line; branches by form; people by party status.
"""
import json
import sys


def main():
    stats_path = sys.argv[1]
    people = "--people" in sys.argv[2:]
    with open(stats_path, encoding="utf-8") as fh:
        s = json.load(fh)
    areas, units, orgs, branches, rel = (s["areas"], s["units"], s["organizations"],
                                         s["branches"], s["relations"])
    kinds = {"area": areas["total"], "unit": units["total"], "org": orgs["total"],
             "branch": branches["total"]}
    rels = {
        "part_of": areas["total"] - areas["city"],
        "located_in": units["total"] + orgs["total"],
        "covers": rel["branch_coverage"],
        "supervises": rel["unit_supervision"] + rel["branch_supervision"],
        "competent": rel["competent"],
        "instructs": rel["instructors"],
    }
    counts = [["org", "covered", True, orgs["covered"]],
              ["org", "work_covered", True, orgs["work_covered"]]]
    for k in ("social_group", "social_service", "foundation", "community_group"):
        counts.append(["org", "org_kind", k, orgs[k]])
    for k in ("active", "suspended", "deregistered"):
        counts.append(["org", "status", k, orgs[k]])
    for k in ("city", "district", "street", "community"):
        counts.append(["area", "level", k, areas[k]])
    for k in ("organization", "civil_affairs", "industry", "community"):
        counts.append(["unit", "line", k, units[k]])
    for k in ("committee", "general_branch", "branch", "joint_branch", "temporary_branch"):
        counts.append(["branch", "form", k, branches[k]])
    if people:
        kinds["person"] = s["people"]["total"]
        rels["affiliated"] = rel["affiliations"]
        rels["relation"] = rel["party_relations"]
        for k in ("none", "probationary", "full"):
            counts.append(["person", "party_status", k, s["people"][k]])
    rels = {k: v for k, v in rels.items() if v > 0}
    kinds = {k: v for k, v in kinds.items() if v > 0}
    json.dump({"nodes": sum(kinds.values()), "edges": sum(rels.values()), "kinds": kinds,
               "rels": rels, "counts": counts}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
