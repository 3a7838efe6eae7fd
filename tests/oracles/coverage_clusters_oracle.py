#!/usr/bin/python3
"""Independent reference implementation of `orgraph coverage` and `orgraph clusters` (JSON).

    /usr/bin/python3 coverage_clusters_oracle.py coverage DATA [--by district|street|industry|kind|registration_level]
    /usr/bin/python3 coverage_clusters_oracle.py clusters DATA [--link person,community,street-industry]
                     [--within street|district] [--min-size K] [--top N] [--area ID]

Prints the result as JSON. Written by a reviewer from /work/shared/contracts.md alone (sections 1,
2 and 4), without reading the C++ sources, then checked against the tool on about 2,000 cities
(tests/cli/oracles.sh keeps checking it). It uses networkx for connected components and a literal
pairwise reading of the link rules for up to 300 uncovered orgs (bucketing by link key above).

Covers: every key coverage's contract names (total, groups, should_build, pocket/floating
members) plus the tool's extra coverage keys that follow from the definitions (staff_missing,
full_share, party_share, should_build and joint_candidates per group, instructor_only,
inactive_orgs, pocket/floating per group); clusters' orgs, order, ids, full_members,
party_members, area_ids, size, joint_candidates and summary.

Where the contract is silent it follows the tool's docs, and says so:
- max_joint_branches: the contract only names the key. The value follows docs/clusters.md:
  min(floor(F / 3), floor(candidates / 2)), F the SUM of the candidates' own full-member counts.
- summary under --min-size: docs/clusters.md counts `clusters`, `largest` and `orgs_in_clusters`
  over the clusters of at least --min-size orgs, `singletons` before --min-size, `listed` after
  --top.
Deliberately not covered: the table and CSV formats, the summary's hubs/hub_links and echoed
options, messages and names, --lenient loading, bad input and exit codes.
"""
import argparse
import json
import os
import sys

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from citydata import load  # noqa: E402

PARTY = ("full", "probationary")


class City:
    def __init__(self, d):
        self.areas = {r["id"]: r for r in d["areas"]}
        self.orgs = {r["id"]: r for r in d["organizations"]}
        self.status = {r["id"]: r["party_status"] for r in d["people"]}
        self.active = {o for o, r in self.orgs.items() if (r.get("status") or "active") == "active"}
        self.branch_orgs = {}  # branch -> orgs it covers
        covered_by = set()
        for r in d["branch_coverage"]:
            covered_by.add(r["org_id"])
            self.branch_orgs.setdefault(r["branch_id"], set()).add(r["org_id"])
        self.covered = self.active & covered_by
        instructed = {r["org_id"] for r in d["instructors"]}
        self.work_covered = self.covered | (self.active & instructed)
        self.uncovered = self.active - self.covered
        self.sl = {}              # org -> people with a staff/leader affiliation
        self.anyaff = {}          # org -> people with any affiliation
        self.person_sl_orgs = {}  # person -> orgs where staff/leader
        for r in d["affiliations"]:
            self.anyaff.setdefault(r["org_id"], set()).add(r["person_id"])
            if r["role"] in ("staff", "leader"):
                self.sl.setdefault(r["org_id"], set()).add(r["person_id"])
                self.person_sl_orgs.setdefault(r["person_id"], set()).add(r["org_id"])
        self.rel = {}  # person -> branches
        for r in d["party_relations"]:
            self.rel.setdefault(r["person_id"], set()).add(r["branch_id"])

    def members(self, orgs, statuses):
        s = set()
        for o in orgs:
            s |= {p for p in self.sl.get(o, ()) if self.status.get(p) in statuses}
        return s

    def full(self, orgs):
        return self.members(orgs, ("full",))

    def party(self, orgs):
        return self.members(orgs, PARTY)

    def street(self, o):
        a = self.orgs[o]["area_id"]
        return a if self.areas[a]["level"] == "street" else self.areas[a]["parent_id"]

    def district(self, o):
        return self.areas[self.street(o)]["parent_id"]

    def ancestors(self, a):
        out = []
        while a is not None:
            out.append(a)
            a = self.areas[a].get("parent_id")
        return out

    def pocket_floating(self, orgs_subset=None):
        """Pocket and floating members; with orgs_subset, only people with a staff/leader
        affiliation to an active org in it."""
        pocket = floating = 0
        for p, orgs in self.person_sl_orgs.items():
            if self.status.get(p) not in PARTY:
                continue
            act = orgs & self.active
            if not act or (orgs_subset is not None and not act & orgs_subset):
                continue
            brs = self.rel.get(p)
            if not brs:
                pocket += 1
            elif not any(self.branch_orgs.get(b, set()) & act for b in brs):
                floating += 1
        return pocket, floating


def rate(a, b):
    return a / b if b else 0


def coverage(c, by):
    def stats(orgs_all):
        act = orgs_all & c.active
        cov = act & c.covered
        wc = act & c.work_covered
        unc = act - cov
        pk, fl = c.pocket_floating(act)
        staff_vals = [c.orgs[o].get("staff_count") for o in act]
        staff = sum(int(float(v)) for v in staff_vals if v is not None)
        fm, pm = len(c.full(act)), len(c.party(act))
        return {
            "orgs": len(act), "covered": len(cov), "work_covered": len(wc),
            "org_rate": rate(len(cov), len(act)), "work_rate": rate(len(wc), len(act)),
            "full_members": fm, "party_members": pm, "staff": staff,
            "staff_missing": sum(1 for v in staff_vals if v is None),
            "full_share": rate(fm, staff), "party_share": rate(pm, staff),
            "should_build": sum(1 for o in unc if len(c.full([o])) >= 3),
            "joint_candidates": sum(1 for o in unc if len(c.full([o])) < 3),
            "instructor_only": len(wc - cov),
            "inactive_orgs": len(orgs_all - c.active),
            "pocket_members": pk, "floating_members": fl,
        }
    keyf = {
        "district": c.district, "street": c.street,
        "industry": lambda o: c.orgs[o]["industry"], "kind": lambda o: c.orgs[o]["kind"],
        "registration_level": lambda o: c.orgs[o]["registration_level"],
    }[by]
    groups = {}
    for o in c.orgs:
        groups.setdefault(keyf(o), set()).add(o)
    gl = [dict(key=k, **stats(groups[k])) for k in sorted(groups)]
    pk, fl = c.pocket_floating()
    return {"by": by, "total": stats(set(c.orgs)), "groups": gl,
            "should_build": sorted(o for o in c.uncovered if len(c.full([o])) >= 3),
            "pocket_members": pk, "floating_members": fl}


def max_joint_branches(c, orgs):
    """(max_joint_branches, joint_candidates). Not defined by contracts.md: docs/clusters.md's
    min(floor(F/3), floor(candidates/2)), F = the SUM of the candidates' own full counts."""
    cand = [o for o in orgs if len(c.full([o])) < 3]
    fsum = sum(len(c.full([o])) for o in cand)
    return min(fsum // 3, len(cand) // 2), len(cand)


def clusters(c, link="person,community", within=None, min_size=1, top=0, area=None):
    links = set(link.split(","))
    nodes = set(c.uncovered)
    if area is not None:
        nodes = {o for o in nodes if area in c.ancestors(c.orgs[o]["area_id"])}
    g = nx.Graph()
    g.add_nodes_from(nodes)
    ordered = sorted(nodes)

    def territory(o):
        return c.street(o) if within == "street" else c.district(o) if within == "district" else None

    if len(ordered) <= 300:   # the literal pairwise definition
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                linked = (("person" in links and c.anyaff.get(a, set()) & c.anyaff.get(b, set()))
                          or ("community" in links and c.orgs[a]["area_id"] == c.orgs[b]["area_id"])
                          or ("street-industry" in links and c.street(a) == c.street(b)
                              and c.orgs[a]["industry"] == c.orgs[b]["industry"]))
                if linked and territory(a) == territory(b):
                    g.add_edge(a, b)
    else:   # the same components: bucket by (link key, territory), chain each bucket
        buckets = {}
        for o in ordered:
            keys = []
            if "person" in links:
                keys += [("p", p) for p in c.anyaff.get(o, ())]
            if "community" in links:
                keys.append(("c", c.orgs[o]["area_id"]))
            if "street-industry" in links:
                keys.append(("si", c.street(o), c.orgs[o]["industry"]))
            for k in keys:
                buckets.setdefault((k, territory(o)), []).append(o)
        for mem in buckets.values():
            g.add_edges_from(zip(mem, mem[1:]))
    comps = sorted((sorted(cc) for cc in nx.connected_components(g)), key=lambda cc: (-len(cc), cc[0]))
    out = []
    for i, cc in enumerate(comps):
        mj, ncand = max_joint_branches(c, cc)
        out.append({"id": i + 1, "size": len(cc), "orgs": cc, "full_members": len(c.full(cc)),
                    "party_members": len(c.party(cc)),
                    "area_ids": sorted({c.orgs[o]["area_id"] for o in cc}),
                    "joint_candidates": ncand, "max_joint_branches": mj})
    kept = [x for x in out if x["size"] >= min_size]
    listed = kept[:top] if top else kept
    return {"clusters": listed,
            "summary": {"clusters": len(kept), "uncovered_orgs": len(nodes),
                        "largest": max((x["size"] for x in kept), default=0),
                        "listed": len(listed), "singletons": sum(1 for x in out if x["size"] == 1),
                        "orgs_in_clusters": sum(x["size"] for x in kept)}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["coverage", "clusters"])
    ap.add_argument("data")
    ap.add_argument("--by", default="district")
    ap.add_argument("--link", default="person,community")
    ap.add_argument("--within", default=None)
    ap.add_argument("--min-size", type=int, default=1)
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--area", default=None)
    a = ap.parse_args()
    c = City(load(a.data))
    if a.cmd == "coverage":
        r = coverage(c, a.by)
    else:
        r = clusters(c, a.link, a.within, a.min_size, a.top, a.area)
    json.dump(r, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
