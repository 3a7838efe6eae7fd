#!/usr/bin/python3
"""Writes the hand-made tricky cities the oracles are compared on.

    /usr/bin/python3 hand_cases.py OUT_DIR      -> OUT_DIR/<case>/ (CSV) and OUT_DIR/<case>.json

Two families, written by the reviewers who wrote the oracles:
- coverage/clusters cases (COVERAGE_CASES): statuses and roles, pocket and floating members,
  --within hubs, orgs placed on a street, id sorting, should_build edge cases, inactive-only
  groups, a missing status column and instructors file, max_joint_branches probes, and `quirks`:
  BOM, CRLF, shuffled and unknown columns, quoted ids holding commas and quotes, names holding
  line breaks, Chinese ids, an id that is both a person and an org.
- gaps cases (GAPS_CASES), each a small base city (10 areas, 10 units, a complete supervision
  tree) plus one theme: superiors, cycles (self-loops, figure eight, a cycle over a tail, a
  1,000-unit cycle over a 1,000-unit tail), broken chains, levels, jurisdiction, sizes and
  forms, deregistered coverage, duplicates, id collisions across tables, a 20,000-unit chain,
  long ids sharing a prefix, an overloaded unit.
Some are also written as one JSON file (JSON_CASES) to exercise the JSON loader.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from citydata import csv_to_json, write_csv  # noqa: E402

# ---- coverage / clusters cases ------------------------------------------------------------

COV_COLUMNS = {
    "areas": ["id", "name", "level", "parent_id"],
    "units": ["id", "name", "line", "level", "area_id", "industry"],
    "organizations": ["id", "kind", "industry", "registration_level", "area_id", "status", "staff_count"],
    "people": ["id", "party_status"],
    "affiliations": ["person_id", "org_id", "role"],
    "branches": ["id", "form"],
    "branch_coverage": ["branch_id", "org_id"],
    "party_relations": ["person_id", "branch_id"],
    "supervision": ["superior_unit_id", "subordinate_kind", "subordinate_id"],
    "instructors": ["unit_id", "org_id", "person_id"],
}
COV_AREAS = [("C", "city", ""), ("D1", "district", "C"), ("D2", "district", "C"), ("D3", "district", "C"),
             ("S1", "street", "D1"), ("S2", "street", "D1"), ("S3", "street", "D2"), ("S4", "street", "D3"),
             ("K1", "community", "S1"), ("K2", "community", "S1"), ("K3", "community", "S2"),
             ("K4", "community", "S3"), ("K5", "community", "S4")]


def o(i, area, status="active", ind="education", kind="social_service", lvl="district", staff="3"):
    return (i, kind, ind, lvl, area, status, staff)


def cov_city(orgs, people, affs, branches=(), cov=(), rels=(), instr=(), org_cols=None):
    """A city as {table: rows}; instr=None leaves instructors.csv out."""
    t = {"areas": [(a, a, lvl, p) for a, lvl, p in COV_AREAS],
         "units": [("ORG", "org dept", "organization", "city", "C", ""),
                   ("CAD1", "ca", "civil_affairs", "district", "D1", "")],
         "organizations": orgs, "people": people, "affiliations": affs, "branches": branches,
         "branch_coverage": cov, "party_relations": rels, "supervision": []}
    if instr is not None:
        t["instructors"] = instr
    cols = dict(COV_COLUMNS)
    if org_cols:
        cols["organizations"] = org_cols
    return t, cols


def coverage_cases():
    cases = {}
    # statuses / roles / pocket / floating
    cases["status_roles"] = cov_city(
        [o("A", "K1"), o("B", "K1", ""), o("C", "K2", "suspended"), o("D", "K3", "deregistered"), o("E", "S1"),
         o("F", "S1", staff=""), o("G", "K4", ind="health"), o("H", "K5", ind="law", kind="foundation", lvl="city")],
        [("p1", "full"), ("p2", "full"), ("p3", "probationary"), ("p4", "none"), ("p5", "full"), ("p6", "full"),
         ("p7", "probationary"), ("p8", "full"), ("p9", "full"), ("p10", "full"), ("p11", "full"),
         ("p12", "full"), ("A", "full")],
        [("p1", "A", "staff"), ("p1", "A", "leader"), ("p2", "A", "leader"), ("p3", "A", "staff"),
         ("p4", "A", "staff"),
         ("p5", "C", "staff"),                         # only at a suspended org: not pocket
         ("p6", "D", "staff"), ("p6", "B", "staff"),   # relation to the branch covering D (deregistered): floating
         ("p7", "B", "leader"),                        # probationary, pocket
         ("p8", "E", "member"),                        # member only: not pocket
         ("p9", "G", "staff"), ("p9", "G", "staff"),   # duplicate row; relation to the branch covering G
         ("p10", "G", "member"), ("p10", "H", "staff"),  # the branch covers G where he is a member: floating
         ("p11", "H", "leader"),                       # relations to an empty branch and to H's: not floating
         ("p12", "A", "staff"), ("A", "H", "staff")],  # a person id equal to an org id
        branches=[("BD", "branch"), ("BG", "temporary_branch"), ("BE", "branch"), ("BH", "joint_branch")],
        cov=[("BD", "D"), ("BG", "G"), ("BH", "H"), ("BH", "C")],
        rels=[("p6", "BD"), ("p9", "BG"), ("p10", "BG"), ("p11", "BE"), ("p11", "BH"), ("p12", "BE"),
              ("p12", "BE")],
        instr=[("CAD1", "A", ""), ("CAD1", "D", ""), ("CAD1", "C", ""), ("CAD1", "G", "")])
    # --within: a person tied to an org in S2 (first by id) and two in S1
    cases["within_hub"] = cov_city(
        [o("X1", "K3"), o("A1", "K1"), o("Z9", "K2"), o("M", "K4"), o("N", "K5")],
        [("q", "none"), ("r", "full")],
        [("q", "X1", "member"), ("q", "A1", "staff"), ("q", "Z9", "leader"), ("r", "M", "staff"),
         ("r", "N", "member"), ("r", "X1", "staff")])
    # street-level orgs share area_id S1; street-industry across community and street
    cases["street_direct"] = cov_city(
        [o("a", "S1"), o("b", "S1", ind="law"), o("c", "K1"), o("d", "K2", ind="law"), o("e", "S2"),
         o("f", "K3", ind="law"), o("g", "S3"), o("h", "K4")],
        [("x", "full")], [("x", "g", "member")])
    # sort order ties and id ordering
    cases["sorting"] = cov_city(
        [o("O9", "K1"), o("O10", "K1"), o("O2", "K2"), o("O11", "K2"), o("O1", "K3"), o("O100", "K4"),
         o("o3", "K5"), o("B", "S4"), o("Ä", "S3"), o("Z", "S2")],
        [("x", "full")], [])
    # should_build edge cases
    cases["should_build"] = cov_city(
        [o("S3full", "K1"), o("S2f1p", "K1"), o("Smember", "K2"), o("Sinstr", "K3"), o("Scov", "K3"),
         o("Ssusp", "K4", "suspended"), o("Sshared", "K5"), o("Sshared2", "K5")],
        [(f"f{i}", "full") for i in range(1, 20)] + [("pp", "probationary")],
        [("f1", "S3full", "staff"), ("f2", "S3full", "leader"), ("f3", "S3full", "staff"),
         ("f4", "S2f1p", "staff"), ("f5", "S2f1p", "staff"), ("pp", "S2f1p", "staff"),
         ("f6", "Smember", "staff"), ("f7", "Smember", "staff"), ("f8", "Smember", "member"),
         ("f9", "Sinstr", "staff"), ("f10", "Sinstr", "staff"), ("f11", "Sinstr", "staff"),
         ("f12", "Scov", "staff"), ("f13", "Scov", "staff"), ("f14", "Scov", "staff"),
         ("f15", "Ssusp", "staff"), ("f16", "Ssusp", "staff"), ("f17", "Ssusp", "staff"),
         ("f1", "Sshared", "staff"), ("f2", "Sshared", "staff"), ("f18", "Sshared", "leader"),
         ("f18", "Sshared", "staff"),
         ("f1", "Sshared2", "staff"), ("f1", "Sshared2", "leader"), ("f2", "Sshared2", "leader")],
        branches=[("Bc", "branch"), ("Bs", "branch")], cov=[("Bc", "Scov"), ("Bs", "Ssusp")],
        instr=[("CAD1", "Sinstr", "")])
    # groups with only inactive orgs, districts without orgs, no instructors file, no status column
    cases["inactive_groups"] = cov_city(
        [o("a", "K1"), o("b", "K4", "deregistered", ind="zzz", kind="foundation", lvl="city"),
         o("c", "K4", "suspended", ind="zzz"), o("d", "K3", "deregistered")],
        [("x", "full")], [("x", "b", "staff")], branches=[("B1", "branch")], cov=[("B1", "b")],
        rels=[("x", "B1")], instr=None)
    cases["no_status_col"] = cov_city(
        [("a", "social_group", "edu", "street", "K1", "5"), ("b", "social_group", "edu", "street", "K1", "")],
        [("x", "full")], [("x", "a", "staff"), ("x", "b", "staff")],
        org_cols=["id", "kind", "industry", "registration_level", "area_id", "staff_count"])
    cases["empty_city"] = cov_city([], [], [])
    cases["all_covered"] = cov_city([o("a", "K1"), o("b", "K2")], [("x", "full")], [("x", "a", "staff")],
                                    branches=[("B", "branch")], cov=[("B", "a"), ("B", "b")], rels=[("x", "B")])

    # max_joint_branches probes (each cluster tied together by a 'member'-role person)
    orgs, affs = [], []
    people = [(f"glue{i}", "none") for i in range(1, 6)]

    def add(org, area, ind, nfull, nprob=0, glue=None):
        orgs.append(o(org, area, ind=ind))
        for i in range(nfull):
            people.append((f"{org}f{i}", "full"))
            affs.append((f"{org}f{i}", org, "staff"))
        for i in range(nprob):
            people.append((f"{org}p{i}", "probationary"))
            affs.append((f"{org}p{i}", org, "staff"))
        if glue:
            affs.append((glue, org, "member"))
    # 1: two candidates with 2 full each, different street, industry and district
    add("m1a", "K1", "education", 2, glue="glue1"); add("m1b", "K4", "health", 2, glue="glue1")  # noqa: E702
    # 2: two candidates with 2 full each, same street, 30 probationary each (party 64 > 50)
    add("m2a", "K3", "culture", 2, 30, glue="glue2"); add("m2b", "K3", "culture", 2, 30, glue="glue2")  # noqa: E702
    # 3: 12 candidates with 1 full each, same street S4 (K5)
    for i in range(12):
        add(f"m3_{i:02d}", "K5", "sports", 1, glue="glue3")
    # 4: one should_build org (5 full) and 2 candidates with 1 full
    for org, n in (("m4a", 5), ("m4b", 1), ("m4c", 1)):
        add(org, "S3", "law", n, glue="glue4")
    # 5: 7 candidates with 0 full, one with 2, one with 1, same street S2
    for i in range(7):
        add(f"m5_{i}", "S2", "charity", 0, glue="glue5")
    add("m5x", "S2", "charity", 2, glue="glue5"); add("m5y", "S2", "charity", 1, glue="glue5")  # noqa: E702
    cases["mjb"] = cov_city(orgs, people, affs)
    # a full person shared by two candidates (counted twice in F)
    cases["mjb_shared"] = cov_city([o("A", "K1"), o("B", "K1")], [("f1", "full"), ("f2", "full")],
                                   [("f1", "A", "staff"), ("f1", "B", "staff"), ("f2", "B", "leader")])
    # candidates that cannot legally share a joint branch (different street, industry, district)
    cases["mjb_apart"] = cov_city(
        [o("A", "K1", ind="education"), o("B", "K4", ind="health")],
        [("f1", "full"), ("f2", "full"), ("f3", "full"), ("f4", "full"), ("g", "none")],
        [("f1", "A", "staff"), ("f2", "A", "staff"), ("f3", "B", "staff"), ("f4", "B", "staff"),
         ("g", "A", "member"), ("g", "B", "member")])
    return cases


def write_quirks(out_dir):
    """status_roles rewritten with BOM, CRLF, shuffled and unknown columns, quoted ids holding a
    comma or a quote, an id with a space, names holding line breaks, Chinese ids, ids differing
    in case. (An id with a line break was here too; the tool refuses ids with control
    characters since commit fdc4630, as docs/data-format.md says.)"""
    t, cols = coverage_cases()["status_roles"]
    folder = os.path.join(out_dir, "quirks")
    write_csv(folder, {k: t[k] for k in ("areas", "units", "supervision")}, cols)
    q = {
        "organizations": (["junk", "area_id", "staff_count", "status", "industry", "kind", "registration_level",
                           "id", "name"],
                          [("x", "K1", "3", "active", "education", "social_service", "district", "O,1", "a, b"),
                           ("x", "K1", "2", "", "education", "social_service", "district", "O\"2", 'say "hi"'),
                           ("x", "K2", "1", "active", "education", "social_service", "district", "O 3", "two\nlines"),
                           ("x", "K2", "", "suspended", "culture", "social_group", "street", "甲", "甲\r\n乙"),
                           ("x", "S1", "4", "active", "culture", "social_group", "street", "乙", ""),
                           ("x", "S1", "4", "active", "culture", "social_group", "street", "Ab", "Ab"),
                           ("x", "S1", "4", "active", "culture", "social_group", "street", "aB", "aB")]),
        "people": (["party_status", "id"], [("full", "p,1"), ("full", "p2"), ("probationary", "p3"), ("full", "甲")]),
        "affiliations": (["role", "org_id", "person_id", "extra"],
                         [("staff", "O,1", "p,1", ""), ("leader", "O\"2", "p,1", ""), ("staff", "O\"2", "p2", ""),
                          ("member", "O 3", "p2", ""), ("staff", "甲", "p3", ""), ("staff", "乙", "p3", ""),
                          ("staff", "乙", "甲", ""), ("staff", "乙", "甲", ""), ("member", "Ab", "p2", "")]),
        "branches": (["id", "form"], [("B,1", "joint_branch")]),
        "branch_coverage": (["branch_id", "org_id"], [("B,1", "甲"), ("B,1", "O 3")]),
        "party_relations": (["person_id", "branch_id"], [("p2", "B,1"), ("p2", "B,1"), ("甲", "B,1")]),
        "instructors": (["org_id", "unit_id"], [("乙", "CAD1")]),
    }
    write_csv(folder, {k: rows for k, (_, rows) in q.items()}, {k: h for k, (h, _) in q.items()},
              encoding="utf-8-sig", lineterminator="\r\n")


# ---- gaps cases ---------------------------------------------------------------------------

GAPS_COLUMNS = {
    "areas": ["id", "name", "level", "parent_id", "lat", "lon"],
    "units": ["id", "name", "line", "level", "area_id", "industry"],
    "organizations": ["id", "name", "kind", "industry", "registration_level", "area_id", "competent_unit_id",
                      "rating", "status", "staff_count", "lat", "lon"],
    "people": ["id", "name", "party_status"],
    "affiliations": ["person_id", "org_id", "role"],
    "branches": ["id", "name", "form"],
    "branch_coverage": ["branch_id", "org_id"],
    "party_relations": ["person_id", "branch_id"],
    "supervision": ["superior_unit_id", "subordinate_kind", "subordinate_id"],
    "instructors": ["unit_id", "org_id", "person_id"],
}


class GapsCity:
    """The base city (complete supervision tree, no orgs) plus builder methods. People are named
    "Secretname PersonN" so that a name leaking into the output can be caught."""

    def __init__(self):
        self.d = {k: [] for k in GAPS_COLUMNS}
        self.np = 0
        for i, name, level, parent in [
                ("C", "Cty", "city", None), ("D1", "East", "district", "C"), ("D2", "West", "district", "C"),
                ("S1", "River", "street", "D1"), ("S2", "Bell", "street", "D1"), ("S3", "Lake", "street", "D2"),
                ("K1", "Willow", "community", "S1"), ("K2", "Pine", "community", "S1"),
                ("K3", "Tower", "community", "S2"), ("K4", "Harbour", "community", "S3")]:
            self.d["areas"].append(dict(id=i, name=name, level=level, parent_id=parent))
        for args in [("ORG", "organization", "city", "C"), ("CA", "civil_affairs", "city", "C"),
                     ("CAD1", "civil_affairs", "district", "D1"), ("CAD2", "civil_affairs", "district", "D2"),
                     ("ST1", "community", "street", "S1"), ("ST2", "community", "street", "S2"),
                     ("ST3", "community", "street", "S3"), ("CM1", "community", "community", "K1"),
                     ("EDU", "industry", "city", "C", "education"),
                     ("EDU1", "industry", "district", "D1", "education")]:
            self.unit(*args)
        for a, b in [("ORG", "CA"), ("ORG", "EDU"), ("CA", "CAD1"), ("CA", "CAD2"), ("CAD1", "ST1"),
                     ("CAD1", "ST2"), ("CAD2", "ST3"), ("ST1", "CM1"), ("EDU", "EDU1")]:
            self.sup(a, "unit", b)

    def unit(self, i, line, level, area, ind=None):
        self.d["units"].append(dict(id=i, name="Unit " + i, line=line, level=level, area_id=area, industry=ind))

    def sup(self, a, kind, b):
        self.d["supervision"].append(dict(superior_unit_id=a, subordinate_kind=kind, subordinate_id=b))

    def org(self, i, area="K1", reg="district", status="active", comp="CAD1", ind="education", kind="social_service"):
        self.d["organizations"].append(dict(id=i, name="Org " + i, kind=kind, industry=ind, registration_level=reg,
                                            area_id=area, competent_unit_id=comp, status=status, staff_count=5))

    def person(self, status="full", org=None, role="staff", branch=None):
        self.np += 1
        p = "P%d" % self.np
        self.d["people"].append(dict(id=p, name="Secretname Person%d" % self.np, party_status=status))
        if org:
            self.d["affiliations"].append(dict(person_id=p, org_id=org, role=role))
        if branch:
            self.rel(p, branch)
        return p

    def branch(self, i, form="branch", orgs=(), sups=("ST1",), full=3, prob=0, none=0):
        self.d["branches"].append(dict(id=i, name="Branch " + i, form=form))
        for org in orgs:
            self.d["branch_coverage"].append(dict(branch_id=i, org_id=org))
        for s in sups:
            self.sup(s, "branch", i)
        for status, n in (("full", full), ("probationary", prob), ("none", none)):
            for _ in range(n):
                self.person(status, branch=i)

    def rel(self, p, b):
        self.d["party_relations"].append(dict(person_id=p, branch_id=b))

    def write(self, folder):
        write_csv(folder, self.d, GAPS_COLUMNS)


def gaps_cases():
    cases = {}
    c = cases["base"] = GapsCity()  # alone: clean
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702

    # branches with 0/1/2 superiors, the same superior twice, a temporary orphan
    c = cases["superiors"] = GapsCity()
    for i, area in (("O1", "K1"), ("O2", "K1"), ("O3", "K1"), ("O4", "K3")):
        c.org(i, area=area)
    c.branch("B0", orgs=["O1"], sups=())
    c.branch("B1", orgs=["O2"], sups=("ST1",))
    c.branch("B2", orgs=["O3"], sups=("ST1", "CAD1"))
    c.branch("BD", orgs=["O1"], sups=("ST1", "ST1"))
    c.branch("BT", form="temporary_branch", orgs=["O4"], sups=(), full=1)

    # a unit with two superiors, a self-loop plus one superior, a self-loop plus two
    c = cases["unit_multi"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    for u, sups in (("X", ("CA", "ORG")), ("Y", ("CA", "Y")), ("Z", ("CA", "ORG", "Z"))):
        c.unit(u, "civil_affairs", "district", "D1")
        for s in sups:
            c.sup(s, "unit", u)

    # cycles of length 1 (detached), 2 and 3, the last with a tail
    c = cases["cycles"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    c.unit("L1", "civil_affairs", "district", "D2"); c.sup("L1", "unit", "L1")  # noqa: E702
    c.unit("A2", "civil_affairs", "district", "D2"); c.unit("B2x", "civil_affairs", "district", "D2")  # noqa: E702
    c.sup("A2", "unit", "B2x"); c.sup("B2x", "unit", "A2")  # noqa: E702
    for u in ("A3", "B3x", "C3"):
        c.unit(u, "industry", "district", "D2", "law")
    c.sup("A3", "unit", "B3x"); c.sup("B3x", "unit", "C3"); c.sup("C3", "unit", "A3")  # noqa: E702
    c.unit("T1", "community", "street", "S3"); c.sup("C3", "unit", "T1")  # noqa: E702
    c.unit("T2", "community", "community", "K4"); c.sup("T1", "unit", "T2")  # noqa: E702

    # a cycle attached below the tree
    c = cases["cycle_attached"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    c.unit("A2", "civil_affairs", "district", "D2"); c.unit("B2x", "civil_affairs", "district", "D2")  # noqa: E702
    c.sup("A2", "unit", "B2x"); c.sup("B2x", "unit", "A2"); c.sup("CA", "unit", "A2")  # noqa: E702
    c.unit("T1", "community", "street", "S3"); c.sup("B2x", "unit", "T1")  # noqa: E702

    # figure eight: two elementary cycles sharing a unit
    c = cases["figure8"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    for x in ("F1", "F2", "F3"):
        c.unit(x, "civil_affairs", "district", "D2")
    for a, b in (("F1", "F2"), ("F2", "F1"), ("F2", "F3"), ("F3", "F2")):
        c.sup(a, "unit", b)

    # a tail below a cycle with a second, complete path
    c = cases["tail_two_paths"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    c.unit("L1", "civil_affairs", "district", "D2"); c.sup("L1", "unit", "L1")  # noqa: E702
    c.unit("T1", "community", "street", "S3"); c.sup("L1", "unit", "T1"); c.sup("CAD2", "unit", "T1")  # noqa: E702

    # chains ending at a non-organization city unit, an organization-line district unit, a second
    # organization-line city unit; one broken and one good path; two broken ends
    c = cases["chains"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    c.unit("CA2", "civil_affairs", "city", "C"); c.unit("CAD3", "civil_affairs", "district", "D2")  # noqa: E702
    c.sup("CA2", "unit", "CAD3")
    c.unit("ORGD", "organization", "district", "D2"); c.unit("UD", "community", "street", "S3")  # noqa: E702
    c.sup("ORGD", "unit", "UD")
    c.unit("ORG2", "organization", "city", "C"); c.unit("U2", "civil_affairs", "district", "D2")  # noqa: E702
    c.sup("ORG2", "unit", "U2")
    c.unit("ORGS", "organization", "street", "S3"); c.sup("ORG", "unit", "ORGS")  # noqa: E702
    c.unit("UM", "civil_affairs", "district", "D1"); c.sup("CA2", "unit", "UM"); c.sup("CA", "unit", "UM")  # noqa: E702
    c.unit("DEEP", "community", "community", "K4"); c.sup("UD", "unit", "DEEP"); c.sup("CAD3", "unit", "DEEP")  # noqa: E702
    c.branch("BB", orgs=["O1"], sups=("CAD3",))

    # a chain reaching an organization-line unit at district level only
    c = cases["orgline_district"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"])  # noqa: E702
    c.unit("ORGD", "organization", "district", "D1"); c.sup("CAD1", "unit", "ORGD")  # noqa: E702
    c.unit("ORGD2", "organization", "district", "D2")
    c.unit("W", "civil_affairs", "street", "S3"); c.sup("ORGD2", "unit", "W")  # noqa: E702

    # level mismatches
    c = cases["levels"] = GapsCity()
    c.org("Oc", area="K1", reg="city"); c.org("Od", area="K1", reg="district")  # noqa: E702
    c.org("Os", area="S1", reg="street"); c.org("Ok", area="K1", reg="community")  # noqa: E702
    c.org("Ox", area="K1", reg="city", status="deregistered"); c.org("Oy", area="K1", reg="city", status="suspended")  # noqa: E702
    c.branch("BL1", orgs=["Oc", "Od", "Os", "Ok"], sups=("ST1",))  # one gap listing Oc, Od
    c.branch("BL2", orgs=["Os", "Ok"], sups=("ST1",))              # none
    c.branch("BL3", orgs=["Ox"], sups=("ST1",))                    # deregistered city org
    c.branch("BL4", orgs=["Oc"], sups=("ST1", "CM1"))              # two gaps
    c.branch("BL5", orgs=["Os"], sups=("CM1",))                    # street org under a community unit
    c.branch("BL6", orgs=["Oy"], sups=("CAD1",))                   # suspended city org under a district unit
    c.unit("SX", "community", "street", "S1"); c.unit("DX", "civil_affairs", "district", "D1")  # noqa: E702
    c.sup("ST1", "unit", "DX")  # a street unit over a district unit
    c.sup("CAD1", "unit", "SX")
    c.unit("DY", "civil_affairs", "district", "D1"); c.sup("CAD1", "unit", "DY")  # noqa: E702
    c.unit("CZ", "civil_affairs", "city", "C"); c.sup("CM1", "unit", "CZ")  # noqa: E702

    # jurisdiction
    c = cases["jurisdiction"] = GapsCity()
    c.org("Oin", area="K1"); c.org("Oout", area="K3"); c.org("Ost", area="S1"); c.org("Ooth", area="S2")  # noqa: E702
    c.org("Odr", area="K4", status="deregistered"); c.org("Osu", area="K4", status="suspended")  # noqa: E702
    c.branch("J1", orgs=["Oin", "Ost"], sups=("ST1",))           # inside
    c.branch("J2", orgs=["Oin", "Oout", "Ooth"], sups=("ST1",))  # outside: Oout, Ooth
    c.branch("J3", orgs=["Ost"], sups=("CM1",))                  # an org on the street under a community unit
    c.branch("J4", orgs=["Odr"], sups=("ST1",))                  # deregistered, outside
    c.branch("J5", orgs=["Osu"], sups=("ST1",))                  # suspended, outside
    c.unit("CMD", "community", "district", "D1"); c.sup("CAD1", "unit", "CMD")  # noqa: E702
    c.branch("J6", orgs=["Oin", "Oout"], sups=("CMD",))          # district community-line: inside
    c.branch("J7", orgs=["Oout"], sups=("CAD1", "ST1"))          # civil affairs inside, ST1 outside

    # temporary / joint / sizes / forms
    c = cases["sizes"] = GapsCity()
    for i in range(1, 9):
        c.org("O%d" % i, area="K1")
    c.org("OD", area="K1", status="deregistered")
    c.branch("TB", form="temporary_branch", orgs=["O1"], full=1)
    c.branch("JB6", form="joint_branch", orgs=["O1", "O2", "O3", "O4", "O5", "O6"])
    c.branch("JB5", form="joint_branch", orgs=["O1", "O2", "O3", "O4", "O5"])
    c.branch("JB5D", form="joint_branch", orgs=["O1", "O2", "O3", "O4", "O5", "OD"])
    c.branch("JBDUP", form="joint_branch", orgs=["O1", "O2", "O3", "O4", "O5", "O5"])
    c.branch("BR6", form="branch", orgs=["O1", "O2", "O3", "O4", "O5", "O6"])
    c.branch("US", orgs=["O7"], full=2, prob=5)
    c.branch("GS", form="general_branch", orgs=["O7"], full=2, prob=60)
    c.branch("CS", form="committee", orgs=["O7"], full=1)
    c.branch("OV51", orgs=["O8"], full=40, prob=11)
    c.branch("OV50", orgs=["O8"], full=40, prob=10, none=5)
    c.branch("JOV", form="joint_branch", orgs=["O8", "O7"], full=51)
    c.branch("GOV", form="general_branch", orgs=["O8"], full=120)
    c.branch("TOV", form="temporary_branch", orgs=["O8"], full=60)

    # deregistered coverage, duplicate relations, responsibility
    c = cases["misc"] = GapsCity()
    c.org("O1"); c.org("OD1", status="deregistered"); c.org("OD2", status="deregistered")  # noqa: E702
    c.org("OS", status="suspended")
    c.branch("BI", orgs=["O1", "OD1", "OD2"])
    c.branch("BS", orgs=["OS"])
    c.branch("BX", orgs=["OD1"], sups=())
    p = c.person("full", org="O1"); c.rel(p, "BI"); c.rel(p, "BS")  # noqa: E702  two branches
    q = c.person("full", org="O1"); c.rel(q, "BI"); c.rel(q, "BI")  # noqa: E702  one branch twice
    r = c.person("none"); c.rel(r, "BI"); c.rel(r, "BS"); c.rel(r, "BX")  # noqa: E702  non-member in 3
    c.org("N1", comp=None); c.org("N2", comp=None, status="suspended")  # noqa: E702
    c.org("N3", comp=None, status="deregistered")
    c.org("N4", comp=None); c.d["instructors"].append(dict(unit_id="ST1", org_id="N4"))  # noqa: E702
    c.org("N5", comp="EDU1")
    c.org("N6", comp=None); c.branch("BN6", form="temporary_branch", orgs=["N6"], full=1)  # noqa: E702
    c.org("N7", comp=None, status="")
    c.org("N8", comp=None); c.branch("BN8", orgs=["N8"], sups=())  # noqa: E702  covered by an orphan
    for _ in range(3):
        c.person("full", org="N1", role="leader")

    # a probationary member in a branch and a temporary branch
    c = cases["dup_temp"] = GapsCity()
    c.org("O1"); c.org("O2")  # noqa: E702
    c.branch("B1", orgs=["O1"]); c.branch("B2", orgs=["O2"])  # noqa: E702
    c.branch("B3", orgs=["O2"], form="temporary_branch", full=0)
    p = c.person("probationary"); c.rel(p, "B1"); c.rel(p, "B3")  # noqa: E702

    # id collisions across tables: branch ids equal to unit ids, org ids equal to unit and person ids
    c = cases["collide"] = GapsCity()
    c.org("ST1", area="K3"); c.org("CAD1", area="K1", comp=None)  # noqa: E702
    c.branch("ST2", orgs=["ST1"], sups=("ST1",))   # under unit ST1, covering org "ST1" (in K3: outside S1)
    c.branch("CAD2", orgs=["CAD1"], sups=())       # an orphan branch with a unit's id
    c.branch("ORG", orgs=[], sups=("ST2",), full=1)
    p = c.person("full", org="ST1"); c.rel(p, "ST2"); c.rel(p, "ORG")  # noqa: E702
    c.d["people"].append(dict(id="CAD1", name="Secretname Collide", party_status="full"))
    c.rel("CAD1", "ST2"); c.rel("CAD1", "CAD2")  # noqa: E702

    # a 20,000-unit chain, a 3,000-unit cycle with a 300-unit tail
    c = cases["deep"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"], sups=("CAD1",))  # noqa: E702
    prev = "CAD1"
    for i in range(20000):
        x = "DC%d" % i
        c.unit(x, "civil_affairs", "district", "D1"); c.sup(prev, "unit", x)  # noqa: E702
        prev = x
    for i in range(3000):
        c.unit("CY%d" % i, "civil_affairs", "district", "D2")
        if i:
            c.sup("CY%d" % (i - 1), "unit", "CY%d" % i)
    c.sup("CY2999", "unit", "CY0")
    prev = "CY2999"
    for i in range(300):
        x = "TL%d" % i
        c.unit(x, "community", "street", "S3"); c.sup(prev, "unit", x)  # noqa: E702
        prev = x

    # community-line superiors at odd levels; orgs in a superior's sibling areas
    c = cases["community_line"] = GapsCity()
    c.org("Ok1", area="K1", reg="community"); c.org("Ok2", area="K2", reg="community")  # noqa: E702
    c.org("Os1", area="S1", reg="street"); c.org("Oc", area="K4", reg="community")  # noqa: E702
    c.branch("X1", orgs=["Ok1"], sups=("CM1",))                 # inside
    c.branch("X2", orgs=["Ok2"], sups=("CM1",))                 # a sibling community: outside
    c.branch("X3", orgs=["Ok1", "Ok2", "Os1"], sups=("ST1",))   # all inside
    c.unit("CMC", "community", "city", "C"); c.sup("ORG", "unit", "CMC")  # noqa: E702
    c.branch("X4", orgs=["Oc", "Ok1"], sups=("CMC",))           # city-level community line: inside
    c.branch("X5", orgs=["Oc"], sups=("ST1", "ST3"))            # ST1 outside, ST3 inside

    # a 1,000-unit cycle over a 1,000-unit tail (once 20 MB of messages)
    c = cases["cycle_tail_blowup"] = GapsCity()
    c.org("O1"); c.branch("B1", orgs=["O1"], sups=("CAD1",))  # noqa: E702
    for i in range(1000):
        c.unit("CY%d" % i, "civil_affairs", "district", "D2")
        if i:
            c.sup("CY%d" % (i - 1), "unit", "CY%d" % i)
    c.sup("CY999", "unit", "CY0")
    prev = "CY999"
    for i in range(1000):
        c.unit("TL%d" % i, "community", "street", "S3"); c.sup(prev, "unit", "TL%d" % i)  # noqa: E702
        prev = "TL%d" % i

    # a two-unit cycle across levels (district and street) hanging below the tree
    c = cases["cycle_level"] = GapsCity()
    c.unit("DA", "civil_affairs", "district", "D1"); c.unit("SB", "community", "street", "S1")  # noqa: E702
    c.sup("CA", "unit", "DA"); c.sup("DA", "unit", "SB"); c.sup("SB", "unit", "DA")  # noqa: E702

    # a self-loop on a unit that also has a proper superior
    c = cases["selfloop_plus_one"] = GapsCity()
    c.unit("Y", "civil_affairs", "district", "D1"); c.sup("CA", "unit", "Y"); c.sup("Y", "unit", "Y")  # noqa: E702

    # long ids sharing a prefix, non-ASCII, quotes and commas, in unsorted order; orphan branches
    c = cases["long_ids"] = GapsCity()
    pre = "ORGANISATION-WITH-A-VERY-LONG-SHARED-PREFIX-"
    for i in [pre + s for s in ("b", "a", "c", "aa", "A", "é", "_")] + ["Z", "é短", "O10", "O9", "O1,2", 'O"q']:
        c.org(i, comp=None)
    for s in ("b", "a", "c"):
        c.branch("BR-" + pre + s, sups=())

    # a unit supervising many more branches than its peers
    c = cases["overloaded"] = GapsCity()
    c.org("O1", reg="street")
    for i in range(25):
        c.branch("SB%d" % i, orgs=["O1"], sups=("ST1",))
    c.branch("S2B", sups=("ST2",))
    for i in range(25):
        c.branch("CB%d" % i, orgs=["O1"], sups=("CAD1",))
    for i in range(5):
        c.branch("DB%d" % i, orgs=["O1"], sups=("CAD2",))
    return cases


JSON_CASES = ["status_roles", "should_build", "within_hub", "mjb", "chains", "misc", "sizes"]


def write_all(out_dir):
    """Writes every case; returns the paths (folders, then JSON files)."""
    paths = []
    for name, (tables, cols) in coverage_cases().items():
        write_csv(os.path.join(out_dir, name), tables, cols)
        paths.append(os.path.join(out_dir, name))
    write_quirks(out_dir)
    paths.append(os.path.join(out_dir, "quirks"))
    for name, c in gaps_cases().items():
        c.write(os.path.join(out_dir, name))
        paths.append(os.path.join(out_dir, name))
    for i, name in enumerate(JSON_CASES):
        csv_to_json(os.path.join(out_dir, name), os.path.join(out_dir, name + ".json"), seed=i)
        paths.append(os.path.join(out_dir, name + ".json"))
    return paths


if __name__ == "__main__":
    for p in write_all(sys.argv[1]):
        print(p)
