#!/usr/bin/python3
"""Random small cities, the same for the same seed.

    /usr/bin/python3 random_cities.py OUT_DIR FIRST_SEED COUNT   -> OUT_DIR/cov-<seed>, OUT_DIR/gaps-<seed>

cov-<seed> (coverage_city): 1-3 districts, up to 5 streets, up to 3 communities each, up to 25
orgs with colliding-looking ids (O7, o7, 7), every status including empty, staff_count empty
or not, random people, roles, branches of every form, coverage, relations and instructors:
aimed at coverage's counts and the clusters' links.
gaps-<seed> (gaps_city): the gaps base city with 2-14 random units on every line and level,
random supervision (cycles, self-loops, several superiors), up to 10 orgs, up to 8 branches of
every form with 0-3 superiors and sometimes 50+ members, random relations and instructors:
aimed at the gaps audit. Every city is valid input (oracles.sh fails if the tool refuses one).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from citydata import write_csv  # noqa: E402
from hand_cases import COV_COLUMNS, GapsCity  # noqa: E402

LEVELS = ["city", "district", "street", "community"]
FORMS = ["committee", "general_branch", "branch", "joint_branch", "temporary_branch"]


def coverage_city(seed, folder):
    R = random.Random(seed)
    areas = [("C", "city", "")]
    nd = R.randint(1, 3)
    for i in range(nd):
        areas.append((f"D{i}", "district", "C"))
    streets, comms = [], []
    for i in range(R.randint(nd, 5)):
        s = f"S{i}"
        areas.append((s, "street", f"D{R.randrange(nd)}"))
        streets.append(s)
        for j in range(R.randint(0, 3)):
            k = f"K{i}{j}"
            areas.append((k, "community", s))
            comms.append(k)
    norg = R.randint(1, 25)
    ids = [R.choice(["O", "o", "", ""]) + str(R.randint(1, 40)) for _ in range(norg * 2)]
    ids = list(dict.fromkeys(ids))[:norg]
    orgs = [(oid, R.choice(["social_group", "social_service", "foundation", "community_group"]),
             R.choice(["edu", "law", "health"]), R.choice(LEVELS), R.choice(comms + streets),
             R.choice(["active", "active", "", "suspended", "deregistered"]), R.choice(["", "0", "3", "10"]))
            for oid in ids]
    people = [(f"P{i}", R.choice(["none", "full", "full", "probationary"])) for i in range(R.randint(0, 30))]
    affs = set()
    for _ in range(R.randint(0, 60)):
        if people and orgs:
            affs.add((R.choice(people)[0], R.choice(orgs)[0], R.choice(["staff", "leader", "member", "staff"])))
    branches = [(f"B{i}", R.choice(FORMS)) for i in range(R.randint(0, 5))]
    cov, rels, instr = set(), set(), set()
    for b, _ in branches:
        for _ in range(R.randint(0, 3)):
            if orgs:
                cov.add((b, R.choice(orgs)[0]))
    for _ in range(R.randint(0, 15)):
        if people and branches:
            rels.add((R.choice(people)[0], R.choice(branches)[0]))
    for _ in range(R.randint(0, 4)):
        if orgs:
            instr.add(("U1", R.choice(orgs)[0], ""))
    cols = dict(COV_COLUMNS, areas=["id", "level", "parent_id"], units=["id", "line", "level", "area_id"])
    write_csv(folder, {
        "areas": areas, "units": [("U1", "organization", "city", "C")], "organizations": orgs,
        "people": people, "affiliations": sorted(affs), "branches": branches,
        "branch_coverage": sorted(cov), "party_relations": sorted(rels), "supervision": [],
        "instructors": sorted(instr)}, cols)
    return folder


def gaps_city(seed, folder):
    R = random.Random(seed)
    c = GapsCity()
    d = c.d
    area_by_level = {lv: [a["id"] for a in d["areas"] if a["level"] == lv] for lv in LEVELS}
    d["units"] = []
    d["supervision"] = []
    nu = R.randint(2, 14)
    uids = []
    for i in range(nu):
        lv = R.choice(LEVELS)
        line = R.choice(["organization", "civil_affairs", "industry", "community"])
        if i == 0:
            lv, line = "city", "organization"
        ind = R.choice(["education", "law", "health"]) if line == "industry" else None
        uid = "U%d" % i
        c.unit(uid, line, lv, R.choice(area_by_level[lv]), ind)
        uids.append(uid)
    for _ in range(R.randint(0, nu * 2)):
        a, b = R.choice(uids), R.choice(uids)
        if R.random() < 0.8 and a == b:
            continue
        c.sup(a, "unit", b)
    oids = []
    for i in range(R.randint(1, 10)):
        oid = "O%d" % i
        c.org(oid, area=R.choice(area_by_level["street"] + area_by_level["community"]),
              reg=R.choice(LEVELS), status=R.choice(["active", "active", "", "suspended", "deregistered"]),
              comp=R.choice([None, None, R.choice(uids)]), ind=R.choice(["education", "law", "health"]))
        oids.append(oid)
    bids = []
    for i in range(R.randint(0, 8)):
        bid = "B%d" % i
        form = R.choice(FORMS)
        k = R.choice([0, 1, 1, 2, 3, 6, 7]) if form == "joint_branch" else R.choice([0, 1, 1, 2])
        covs = R.sample(oids, min(k, len(oids)))
        sups = R.sample(uids, min(len(uids), R.choice([0, 1, 1, 1, 2, 3])))
        big = R.random() < 0.1
        c.branch(bid, form=form, orgs=covs, sups=sups, full=R.randint(0, 55 if big else 4),
                 prob=R.randint(0, 50 if big else 3), none=R.randint(0, 2))
        bids.append(bid)
    for _ in range(R.randint(0, 15)):
        p = c.person(R.choice(["none", "full", "probationary"]), org=R.choice(oids),
                     role=R.choice(["staff", "leader", "member"]))
        for b in R.sample(bids, min(len(bids), R.choice([0, 1, 1, 2]))):
            c.rel(p, b)
    # people already in branches sometimes get extra relations / affiliations
    ppl = [p["id"] for p in d["people"]]
    for _ in range(R.randint(0, 4)):
        if ppl and bids:
            c.rel(R.choice(ppl), R.choice(bids))
        if ppl:
            d["affiliations"].append(dict(person_id=R.choice(ppl), org_id=R.choice(oids),
                                          role=R.choice(["staff", "leader"])))
    for _ in range(R.randint(0, 3)):
        d["instructors"].append(dict(unit_id=R.choice(uids), org_id=R.choice(oids)))
    c.write(folder)
    return folder


def write_all(out_dir, first_seed, count):
    paths = []
    for s in range(first_seed, first_seed + count):
        paths.append(coverage_city(s, os.path.join(out_dir, f"cov-{s}")))
        paths.append(gaps_city(s, os.path.join(out_dir, f"gaps-{s}")))
    return paths


if __name__ == "__main__":
    for p in write_all(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])):
        print(p)
