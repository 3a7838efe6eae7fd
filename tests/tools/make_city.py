#!/usr/bin/env python3
"""Writes a deterministic synthetic city whose names and ids are hostile to exporters.

    make_city.py OUT_DIR [--orgs N] [--seed S]

Names carry XML and JSON metacharacters (& < > " ' \\), Chinese text, 4-byte UTF-8 (emoji),
line breaks, tabs and control characters that XML 1.0 forbids; some ids carry & and Chinese
too. The structure is a plausible city: 3 districts, 4 streets each, 5 communities per street,
units on the three supervision lines, orgs with staff, branches (own and joint) and instructors.
Used by tests/cli/export_tools.sh to check that every export format still loads in the real
tools when the input is not polite.
"""
import argparse
import csv
import os
import random

TRICKY = [
    'Smith & Sons "Care" <Centre>',
    "O'Brien's Club",
    "常州市天宁区青年志愿者协会",
    "钟楼区 & 新北区 <联合> 商会",
    "Back\\slash \\n literal",
    "Tab\there",
    "Line\nbreak",
    "Bell\x07and\x01controls\x1f",
    "Emoji 🎉 club",
    "Quote \"inside\" and 'single'",
    "]]> CDATA end",
    "\u2028line separator\u2029",
]
INDUSTRIES = ["education", "health", "culture", "sports", "charity", "law", "science"]
KINDS = ["social_group", "social_service", "foundation", "community_group"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--orgs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    def name(base, i):
        if i % 7 == 3:
            return TRICKY[(i // 7) % len(TRICKY)] + f" {i}"
        return f"{base} {i}"

    areas = [("C", "Test City 测试市", "city", "", "31.8", "119.9")]
    streets, communities = [], []
    for d in range(3):
        did = f"D{d}"
        areas.append((did, name("District", d), "district", "C", "", ""))
        for s in range(4):
            sid = f"{did}S{s}"
            streets.append(sid)
            areas.append((sid, name("Street", d * 4 + s), "street", did, "", ""))
            for k in range(5):
                kid = f"{sid}K{k}" if k != 2 else f"{sid}社区&{k}"
                communities.append(kid)
                lat = f"{31.5 + rnd.random():.5f}" if k == 0 else ""
                lon = f"{119.5 + rnd.random():.5f}" if k == 0 else ""
                areas.append((kid, name("Community", len(communities)), "community", sid, lat, lon))

    units = [("ORG", "Organization Department", "organization", "city", "C", ""),
             ("CA", "City Civil Affairs Committee", "civil_affairs", "city", "C", "")]
    sup = [("ORG", "unit", "CA")]
    for ind in INDUSTRIES:
        units.append((f"IND_{ind}", name(f"City {ind} committee", len(units)), "industry", "city",
                      "C", ind))
        sup.append(("ORG", "unit", f"IND_{ind}"))
    for d in range(3):
        did = f"D{d}"
        units.append((f"CAD{d}", name("District civil affairs", d), "civil_affairs", "district",
                      did, ""))
        sup.append(("CA", "unit", f"CAD{d}"))
    street_unit = {}
    for s in streets:
        uid = f"ST_{s}"
        street_unit[s] = uid
        units.append((uid, name("Street committee", len(units)), "community", "street", s, ""))
        sup.append((f"CAD{s[1]}", "unit", uid))
    community_unit = {}
    for i, k in enumerate(communities):
        if i % 2 == 0:
            uid = f"CM_{k}"
            community_unit[k] = uid
            units.append((uid, name("Community committee", i), "community", "community", k, ""))
            sup.append((street_unit[k.split("K")[0].split("社区")[0]], "unit", uid))

    orgs, people, affs = [], [], []
    pid = 0
    for i in range(a.orgs):
        oid = f"O{i}" if i % 50 != 17 else f"组织&{i}"
        k = rnd.choice(communities)
        area = k if rnd.random() < 0.85 else k.split("K")[0].split("社区")[0]
        ind = rnd.choice(INDUSTRIES)
        status = "active" if rnd.random() < 0.95 else rnd.choice(["suspended", "deregistered"])
        rating = rnd.choice(["", "", "", "1A", "2A", "3A", "4A", "5A"])
        competent = f"IND_{ind}" if rnd.random() < 0.3 else ""
        staff = rnd.randint(0, 12)
        lat = f"{31.5 + rnd.random():.5f}" if i % 5 == 0 else ""
        lon = f"{119.5 + rnd.random():.5f}" if i % 5 == 0 else ""
        orgs.append((oid, name("Organization", i), rnd.choice(KINDS), ind,
                     rnd.choice(["city", "district", "street", "community"]), area, competent,
                     rating, status, str(staff), lat, lon))
        for _ in range(staff):
            r = rnd.random()
            ps = "full" if r < 0.2 else "probationary" if r < 0.25 else "none"
            people.append((f"P{pid}", name("Person", pid), ps))
            affs.append((f"P{pid}", oid, "leader" if rnd.random() < 0.1 else "staff"))
            if rnd.random() < 0.05 and orgs:
                affs.append((f"P{pid}", rnd.choice(orgs)[0], "member"))
            pid += 1
    for _ in range(a.orgs // 20):  # people with no affiliation
        people.append((f"P{pid}", name("Person", pid), "full"))
        pid += 1

    branches, coverage, relations = [], [], []
    active = [o for o in orgs if o[8] == "active"]
    rnd.shuffle(active)
    covered_n = len(active) // 3
    j = 0
    while j < covered_n:
        bid = f"B{len(branches)}"
        if rnd.random() < 0.3:
            group = active[j:j + rnd.randint(2, 5)]
            form = "joint_branch"
        else:
            group = active[j:j + 1]
            form = rnd.choice(["branch", "branch", "general_branch", "committee"])
        j += len(group)
        branches.append((bid, name("Branch", len(branches)), form))
        for o in group:
            coverage.append((bid, o[0]))
        k = group[0][5]
        superior = community_unit.get(k) or street_unit.get(k) or street_unit.get(
            k.split("K")[0].split("社区")[0])
        sup.append((superior, "branch", bid))
    for t in range(5):
        branches.append((f"BT{t}", name("Temporary branch", t), "temporary_branch"))
        if t % 2 == 0:
            sup.append(("CAD0", "branch", f"BT{t}"))
    party = [p for p in people if p[2] != "none"]
    for p in party:
        if rnd.random() < 0.7 and branches:
            relations.append((p[0], rnd.choice(branches)[0]))
    instructors = []
    for o in active[covered_n:covered_n + len(active) // 10]:
        instructors.append((f"CAD{rnd.randint(0, 2)}", o[0], rnd.choice(people)[0]))

    def write(fname, header, rows):
        with open(os.path.join(a.out, fname), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    write("areas.csv", ["id", "name", "level", "parent_id", "lat", "lon"], areas)
    write("units.csv", ["id", "name", "line", "level", "area_id", "industry"], units)
    write("organizations.csv", ["id", "name", "kind", "industry", "registration_level", "area_id",
                                "competent_unit_id", "rating", "status", "staff_count", "lat",
                                "lon"], orgs)
    write("people.csv", ["id", "name", "party_status"], people)
    write("affiliations.csv", ["person_id", "org_id", "role"], affs)
    write("branches.csv", ["id", "name", "form"], branches)
    write("branch_coverage.csv", ["branch_id", "org_id"], coverage)
    write("party_relations.csv", ["person_id", "branch_id"], relations)
    write("supervision.csv", ["superior_unit_id", "subordinate_kind", "subordinate_id"], sup)
    write("instructors.csv", ["unit_id", "org_id", "person_id"], instructors)


if __name__ == "__main__":
    main()
