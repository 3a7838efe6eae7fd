"""Compares `orgraph coverage` / `orgraph clusters` JSON with coverage_clusters_oracle.py.

The option combinations (BY, CLUSTER_OPTIONS, AREA_VARIANTS) and two functions that
return the differences as readable lines (empty: agreement). Every key the oracle computes is
compared, the contract's and the documented extras alike; rates within a relative 1e-5.
"""
import csv
import os

BY = ["district", "street", "industry", "kind", "registration_level"]
ALL_LINKS = "person,community,street-industry"
LINKS = ["person", "community", "street-industry", "person,community", "person,street-industry",
         "community,street-industry", ALL_LINKS]

# every --link subset with and without --within, then --min-size and --top
CLUSTER_OPTIONS = [[]] + [["--link", link] + (["--within", w] if w else [])
                          for link in LINKS for w in (None, "street", "district")] + [
    ["--min-size", "2"], ["--min-size", "3", "--link", ALL_LINKS], ["--top", "3"],
    ["--top", "2", "--min-size", "2"]]
AREA_VARIANTS = [[], ["--link", ALL_LINKS, "--within", "street"], ["--link", "person", "--within", "district"]]


def areas_by_level(data):
    """{level: [area ids in file order]} for a city folder (nothing for a JSON file)."""
    out = {}
    p = os.path.join(data, "areas.csv")
    if os.path.isdir(data) and os.path.exists(p):
        with open(p, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                out.setdefault(r["level"], []).append(r["id"])
    return out


def parse_cluster_options(args):
    opt = {"--link": "person,community", "--within": None, "--min-size": "1", "--top": "0", "--area": None}
    for i in range(0, len(args), 2):
        opt[args[i]] = args[i + 1]
    return dict(link=opt["--link"], within=opt["--within"], min_size=int(opt["--min-size"]),
                top=int(opt["--top"]), area=opt["--area"])


def _eq(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-5 * max(1, abs(float(b)))
        except (TypeError, ValueError):
            return False
    return a == b


def _dict_diffs(where, t, o):
    return [f"{where}.{k}: tool {t.get(k, '(missing)')} oracle {v}" for k, v in o.items()
            if k not in t or not _eq(t[k], v)]


def coverage_diffs(t, o):
    out = _dict_diffs("total", t.get("total", {}), o["total"])
    if t.get("should_build") != o["should_build"]:
        tl = t.get("should_build") or []
        out.append(f"should_build: tool {len(tl)} orgs, oracle {len(o['should_build'])}; tool only "
                   f"{sorted(set(tl) - set(o['should_build']))[:6]}, oracle only "
                   f"{sorted(set(o['should_build']) - set(tl))[:6]}")
    for k in ("pocket_members", "floating_members"):
        if t.get(k) != o[k]:
            out.append(f"{k}: tool {t.get(k)} oracle {o[k]}")
    tkeys, okeys = [g["key"] for g in t.get("groups", [])], [g["key"] for g in o["groups"]]
    if tkeys != okeys:
        out.append(f"group keys: tool {tkeys[:12]} oracle {okeys[:12]}")
    tg = {g["key"]: g for g in t.get("groups", [])}
    for g in o["groups"]:
        if g["key"] in tg:
            out += _dict_diffs(f"group {g['key']}", tg[g["key"]], g)
    return out


def clusters_diffs(t, o):
    out = _dict_diffs("summary", t.get("summary", {}), o["summary"])
    tl, ol = t.get("clusters", []), o["clusters"]
    if [x.get("orgs") for x in tl] != [x["orgs"] for x in ol]:
        ts = [tuple(x.get("orgs", ())) for x in tl]
        os_ = [tuple(x["orgs"]) for x in ol]
        if sorted(ts) == sorted(os_):
            out.append("same clusters, different order")
        else:
            out.append(f"clusters differ: tool {len(tl)}, oracle {len(ol)}; "
                       f"tool only {[x for x in ts if x not in set(os_)][:2]}, "
                       f"oracle only {[x for x in os_ if x not in set(ts)][:2]}")
        return out
    for a, b in zip(tl, ol):
        out += _dict_diffs(f"cluster {b['orgs'][:3]}", a, b)
    return out
