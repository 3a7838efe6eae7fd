"""Compares `orgraph gaps` JSON with gaps_oracle.py.

GAPS_OPTIONS are the option sets run; gaps_diffs returns the differences as readable lines
(empty: agreement). Compared: the multiset of (code, severity, entities) (for broken_chain the
subject only, the other entities must be units where the oracle's chain ends), the summary, the
order of the list, and that no person's name appears anywhere in the output (checked on the
first gaps command of a city only: it is slow on a large city). Not compared:
message, suggestion, district and the other extra keys.
"""
import csv
import json
import os
from collections import Counter

from gaps_oracle import sort_key

GAPS_OPTIONS = [[], ["--severity", "warning"], ["--severity", "error"],
                ["--min-full", "2", "--max-members", "10", "--max-units", "3"],
                ["--min-full", "4", "--max-members", "120", "--max-units", "2", "--severity", "warning"]]


def parse_gaps_options(args):
    opt = {"--severity": "info", "--min-full": "3", "--max-members": "50", "--max-units": "5"}
    for i in range(0, len(args), 2):
        opt[args[i]] = args[i + 1]
    return opt["--severity"], dict(min_full=int(opt["--min-full"]), max_members=int(opt["--max-members"]),
                                   max_units=int(opt["--max-units"]))


def people_names(data):
    """People's names of at least 3 characters, from a folder's people.csv or a JSON file."""
    names = []
    if os.path.isdir(data):
        p = os.path.join(data, "people.csv")
        if os.path.exists(p):
            with open(p, encoding="utf-8-sig", newline="") as f:
                names = [r.get("name") for r in csv.DictReader(f)]
    else:
        with open(data, encoding="utf-8-sig") as f:
            names = [r.get("name") for r in json.load(f).get("people", [])]
    return {n for n in names if n and len(n) >= 3}


def _strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)


def leaked_names(names, t):
    """The names that occur in any string of the tool's JSON output t. For a length shared by
    many names (Changzhou: 51,000 names of 3 characters) it compares with every substring of
    that length instead of searching for each name."""
    text = "\n".join(_strings(t))
    by_len = {}
    for n in names:
        by_len.setdefault(len(n), set()).add(n)
    leaked = set()
    for length, group in by_len.items():
        if len(group) > 200:
            leaked |= group & {text[i:i + length] for i in range(len(text) - length + 1)}
        else:
            leaked |= {n for n in group if n in text}
    return sorted(leaked)


def _key(g):
    ents = g["entities"][:1] if g["code"] == "broken_chain" else g["entities"]
    return (g["code"], g["severity"], tuple(sorted(ents)))


def gaps_diffs(t, o, names=()):
    """names: people's names that must not appear in the output (empty: not checked)."""
    out = []
    tc = Counter(_key(g) for g in t.get("gaps", []))
    oc = Counter(_key(g) for g in o["gaps"])
    for k in sorted(set(tc) | set(oc)):
        if tc[k] != oc[k]:
            out.append(f"{k[0]} ({k[1]}) {list(k[2])}: tool {tc[k]}, oracle {oc[k]}")
    ends = {g["entities"][0]: g["end_units"] for g in o["gaps"] if g["code"] == "broken_chain"}
    for g in t.get("gaps", []):
        if g["code"] == "broken_chain" and g["entities"][0] in ends:
            if any(e[len("unit:"):] not in ends[g["entities"][0]] for e in g["entities"][1:]):
                out.append(f"broken_chain {g['entities']}: the chain ends at {ends[g['entities'][0]][:6]}")
    ts = t.get("summary", {})
    if ts != o["summary"]:
        out.append(f"summary: tool {ts} oracle {o['summary']}")
    if not out:  # same gaps: then the order must be the documented one
        try:
            order = [g["entities"] for g in t["gaps"]] == [g["entities"] for g in sorted(t["gaps"], key=sort_key)]
        except KeyError as e:
            order, out = True, out + [f"unknown code or severity {e}"]
        if not order:
            out.append("gaps not sorted by severity, code (docs/gaps.md order), entities")
    leaked = leaked_names(names, t) if names else []
    if leaked:
        out.append(f"{len(leaked)} people's names in the output, e.g. {leaked[:3]}")
    return out
