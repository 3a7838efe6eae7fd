#!/usr/bin/python3
"""Independent reference implementation of `orgraph gaps` (JSON).

    /usr/bin/python3 gaps_oracle.py DATA [--severity error|warning|info] [--min-full 3]
                     [--max-members 50] [--max-units 5] [--contract-only]

Prints {"gaps": [...], "summary": {code: count}} as JSON. Written by a reviewer from
/work/shared/contracts.md (sections 1, 2 and 4) and the tool's docs (docs/gaps.md,
docs/data-format.md), without reading the C++ sources, then checked against the tool on about
2,000 cities (tests/cli/oracles.sh keeps checking it).

Covers: which gaps exist, for all 19 codes (the contract's 12, and the 7 docs/gaps.md adds from
domain.md: territory_mismatch, industry_mismatch, should_build_branch, empty_branch,
form_mismatch, overloaded_unit, instructor_only), each as (code, severity, set of entities) with
its multiplicity; the summary counts; the --severity filter and the --min-full, --max-members
and --max-units thresholds; the docs' order of the list (severity, then code in the table's
order, then the entity keys).
Deliberately not covered: `message` and `suggestion` (free text; only checked for people's
names), `district` / `by_district` / `by_severity` / `total`, the table and CSV formats, and for
broken_chain the entities after the subject (the end of the chain it names; the comparison only
checks that they are among the units where the oracle's chain ends). The contract's codes and
severities are normative; the 7 extra codes follow docs/gaps.md.
"""
import argparse
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from citydata import load  # noqa: E402

LEVEL_RANK = {"community": 0, "street": 1, "district": 2, "city": 3}
SEV_RANK = {"error": 0, "warning": 1, "info": 2}
CONTRACT_CODES = [
    ("orphan_branch", "error"), ("multiple_superiors", "error"), ("supervision_cycle", "error"),
    ("broken_chain", "error"), ("level_mismatch", "warning"), ("jurisdiction_mismatch", "warning"),
    ("no_responsible_unit", "error"), ("undersized_branch", "warning"), ("oversized_branch", "warning"),
    ("joint_branch_too_wide", "warning"), ("inactive_coverage", "warning"), ("duplicate_relation", "error")]
EXTRA_CODES = [
    ("territory_mismatch", "warning"), ("industry_mismatch", "info"), ("should_build_branch", "warning"),
    ("empty_branch", "warning"), ("form_mismatch", "info"), ("overloaded_unit", "info"),
    ("instructor_only", "info")]
ALL_CODES = CONTRACT_CODES + EXTRA_CODES
SEVERITY = dict(ALL_CODES)
CODE_RANK = {c: i for i, (c, _) in enumerate(ALL_CODES)}


def sort_key(g):
    """docs/gaps.md: severity (errors first), then code in the table's order, then entity keys."""
    return (SEV_RANK[g["severity"]], CODE_RANK[g["code"]], g["entities"])


def audit(d, min_full=3, max_members=50, max_units=5):
    areas = {r["id"]: r for r in d["areas"]}
    units = {r["id"]: r for r in d["units"]}
    unit_order = {r["id"]: i for i, r in enumerate(d["units"])}
    orgs = {r["id"]: r for r in d["organizations"]}
    people = {r["id"]: r for r in d["people"]}
    branches = {r["id"]: r for r in d["branches"]}

    def active(o):
        return (orgs[o].get("status") or "active") == "active"

    def area_within(a, container):
        # a is container or a descendant of it
        while a is not None:
            if a == container:
                return True
            a = areas[a].get("parent_id")
        return False

    cov = defaultdict(set)       # branch -> orgs
    covered_by = defaultdict(set)  # org -> branches
    for r in d["branch_coverage"]:
        cov[r["branch_id"]].add(r["org_id"])
        covered_by[r["org_id"]].add(r["branch_id"])
    rel = defaultdict(set)  # branch -> people
    person_branches = defaultdict(set)
    for r in d["party_relations"]:
        rel[r["branch_id"]].add(r["person_id"])
        person_branches[r["person_id"]].add(r["branch_id"])
    instr = defaultdict(set)
    for r in d["instructors"]:
        instr[r["org_id"]].add(r["unit_id"])
    staff = defaultdict(set)
    for r in d["affiliations"]:
        if r["role"] in ("staff", "leader"):
            staff[r["org_id"]].add(r["person_id"])

    unit_sups = defaultdict(set)    # unit -> superior units
    branch_sups = defaultdict(set)  # branch -> superior units
    for r in d["supervision"]:
        if r["subordinate_kind"] == "unit":
            unit_sups[r["subordinate_id"]].add(r["superior_unit_id"])
        else:
            branch_sups[r["subordinate_id"]].add(r["superior_unit_id"])
    unit_subs = defaultdict(set)
    for u, ss in unit_sups.items():
        for s in ss:
            unit_subs[s].add(u)

    gaps = []

    def add(code, ents, **extra):
        gaps.append(dict(code=code, severity=SEVERITY[code], entities=ents, **extra))

    # ---- cycles: Tarjan SCC over unit->subordinate unit edges (iterative)
    index = {}; low = {}; onstack = set(); stack = []; sccs = []
    counter = [0]
    for start in sorted(units, key=lambda u: unit_order[u]):
        if start in index:
            continue
        work = [(start, iter(sorted(unit_subs[start])))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); onstack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); onstack.add(w)
                    work.append((w, iter(sorted(unit_subs[w]))))
                    advanced = True
                    break
                elif w in onstack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                c = []
                while True:
                    w = stack.pop(); onstack.discard(w); c.append(w)
                    if w == v:
                        break
                sccs.append(c)
    cyc_id = {}
    cycles = []
    for c in sccs:
        if len(c) > 1 or c[0] in unit_sups[c[0]]:
            for u in c:
                cyc_id[u] = len(cycles)
            cycles.append(sorted(c))
    for c in cycles:
        add("supervision_cycle", ["unit:" + u for u in c])

    def same_cycle(a, b):
        return a in cyc_id and b in cyc_id and cyc_id[a] == cyc_id[b]

    # ---- completeness: BFS down from organization-line city units
    complete = set()
    q = [u for u in units if units[u]["line"] == "organization" and units[u]["level"] == "city"]
    complete.update(q)
    while q:
        u = q.pop()
        for s in unit_subs[u]:
            if s not in complete:
                complete.add(s); q.append(s)
    for u in units:
        if u in complete or u in cyc_id:
            continue
        # ends above u: units (incomplete) with no superior other than none, or cycles
        ends = set()
        seen = {u}; q = [u]
        while q:
            v = q.pop()
            if v in cyc_id and v != u:
                ends.add(("cycle", cyc_id[v]))
                continue
            sups = unit_sups[v]
            if not sups:
                ends.add(("unit", v))
            for s in sups:
                if s not in seen:
                    seen.add(s); q.append(s)
        # The tool names one end of the chain after the subject; the oracle keeps every unit
        # where a chain ends (all of a cycle's units), and the comparison checks membership.
        end_units = []
        for kind, x in ends:
            if kind == "unit" and x != u:
                end_units.append(x)
            elif kind == "cycle":
                end_units.extend(cycles[x])
        add("broken_chain", ["unit:" + u], end_units=sorted(end_units))

    # ---- multiple superiors
    for b in branches:
        if not branch_sups[b]:
            add("orphan_branch", ["branch:" + b])
        elif len(branch_sups[b]) > 1:
            add("multiple_superiors", ["branch:" + b] + ["unit:" + s for s in sorted(branch_sups[b])])
    for u in units:
        sups = unit_sups[u] - {u}
        if len(sups) > 1:
            add("multiple_superiors", ["unit:" + u] + ["unit:" + s for s in sorted(sups)])

    # ---- level / territory / industry for unit subordinates
    for u in units:
        for s in sorted(unit_sups[u]):
            if s == u or same_cycle(u, s):
                continue
            if LEVEL_RANK[units[s]["level"]] < LEVEL_RANK[units[u]["level"]]:
                add("level_mismatch", ["unit:" + u, "unit:" + s])
            if not area_within(units[u]["area_id"], units[s]["area_id"]):
                add("territory_mismatch", ["unit:" + u, "unit:" + s])
            if units[s]["line"] == "industry" and units[u]["line"] == "industry" and \
                    units[s].get("industry") != units[u].get("industry"):
                add("industry_mismatch", ["unit:" + u, "unit:" + s])

    # ---- branches
    for b in branches:
        form = branches[b]["form"]
        bo = cov[b]
        for s in sorted(branch_sups[b]):
            sl = LEVEL_RANK[units[s]["level"]]
            hi = sorted(o for o in bo if LEVEL_RANK[orgs[o]["registration_level"]] > sl)
            if hi:
                add("level_mismatch", ["branch:" + b, "unit:" + s] + ["org:" + o for o in hi])
            outside = sorted(o for o in bo if not area_within(orgs[o]["area_id"], units[s]["area_id"]))
            if outside:
                code = "jurisdiction_mismatch" if units[s]["line"] == "community" else "territory_mismatch"
                add(code, ["branch:" + b, "unit:" + s] + ["org:" + o for o in outside])
            if units[s]["line"] == "industry":
                other = sorted(o for o in bo if orgs[o]["industry"] != units[s].get("industry"))
                if other:
                    add("industry_mismatch", ["branch:" + b, "unit:" + s] + ["org:" + o for o in other])
        full = {p for p in rel[b] if p in people and people[p]["party_status"] == "full"}
        pm = {p for p in rel[b] if p in people and people[p]["party_status"] in ("full", "probationary")}
        if form != "temporary_branch" and len(full) < min_full:
            add("undersized_branch", ["branch:" + b])
        if form in ("branch", "joint_branch") and len(pm) > max_members:
            add("oversized_branch", ["branch:" + b])
        if form == "joint_branch" and len(bo) > max_units:
            add("joint_branch_too_wide", ["branch:" + b] + ["org:" + o for o in sorted(bo)])
        dereg = sorted(o for o in bo if orgs[o].get("status") == "deregistered")
        if dereg:
            add("inactive_coverage", ["branch:" + b] + ["org:" + o for o in dereg])
        if form != "temporary_branch" and not bo:
            add("empty_branch", ["branch:" + b])
        if form in ("general_branch", "committee"):
            n = len(pm)
            comm_from = max(100, 2 * max_members)
            want = "branch" if n <= max_members else ("general_branch" if n < comm_from else "committee")
            if want != form:
                add("form_mismatch", ["branch:" + b])

    # ---- orgs
    for o in orgs:
        if not active(o):
            continue
        covered = any(True for b in covered_by[o] if b in branches)
        if covered:
            continue
        if not instr[o] and not orgs[o].get("competent_unit_id"):
            add("no_responsible_unit", ["org:" + o])
        nfull = len({p for p in staff[o] if p in people and people[p]["party_status"] == "full"})
        if nfull >= min_full:
            add("should_build_branch", ["org:" + o])
        if instr[o]:
            add("instructor_only", ["org:" + o] + ["unit:" + u for u in sorted(instr[o])])

    # ---- people
    for p in people:
        if len(person_branches[p]) > 1:
            add("duplicate_relation", ["person:" + p] + ["branch:" + b for b in sorted(person_branches[p])])

    # ---- overloaded units
    nb = defaultdict(int)
    for b, ss in branch_sups.items():
        for s in ss:
            nb[s] += 1
    peers = defaultdict(list)
    for u in units:
        peers[(units[u]["line"], units[u]["level"])].append(nb[u])
    median = {}
    for k, xs in peers.items():
        # docs/gaps.md does not say which median of an even number of peers: the oracle takes
        # the lower middle value, the one the tool's message names ("the median (5) of the 2
        # civil_affairs-line units" for 5 and 25 branches), not their mean.
        median[k] = sorted(xs)[(len(xs) - 1) // 2]
    for u in units:
        if nb[u] > 3 * median[(units[u]["line"], units[u]["level"])] and nb[u] > 20:
            add("overloaded_unit", ["unit:" + u])
    return gaps


def report(gaps, severity="info", contract_only=False):
    """The JSON the tool prints (the keys the oracle covers) for a minimum severity."""
    codes = CONTRACT_CODES if contract_only else ALL_CODES
    keep = {c for c, s in codes if SEV_RANK[s] <= SEV_RANK[severity]}
    gaps = sorted((g for g in gaps if g["code"] in keep), key=sort_key)
    summary = {c: 0 for c, _ in codes if c in keep}
    for g in gaps:
        summary[g["code"]] += 1
    return {"gaps": gaps, "summary": summary}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--severity", default="info", choices=["error", "warning", "info"])
    ap.add_argument("--min-full", type=int, default=3)
    ap.add_argument("--max-members", type=int, default=50)
    ap.add_argument("--max-units", type=int, default=5)
    ap.add_argument("--contract-only", action="store_true")
    a = ap.parse_args()
    gaps = audit(load(a.data), a.min_full, a.max_members, a.max_units)
    json.dump(report(gaps, a.severity, a.contract_only), sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
