"""Reading and writing city data for the oracles (contracts.md section 1), shared by both sides.

load(path) reads a DATA folder of CSV files or one JSON file into
{table: [{column: str or None}]}: every cell a string, an empty cell (or JSON null) None, JSON
numbers turned into strings, rows whose cells are all empty skipped, absent files (and tables
absent from the JSON) empty. It does not validate: the oracles are only run on cities the tool
accepts, and a city the tool refuses is reported as a failure by the comparison.

write_csv / write_json write such tables, for the generators (hand_cases.py, random_cities.py).
"""
import csv
import json
import os
import random

TABLES = ["areas", "units", "organizations", "people", "affiliations", "branches",
          "branch_coverage", "party_relations", "supervision", "instructors"]


def _cell(v):
    if v is None or v == "":
        return None
    return str(v)


def load(path):
    data = {}
    if os.path.isdir(path):
        for t in TABLES:
            fn = os.path.join(path, t + ".csv")
            rows = []
            if os.path.exists(fn):
                # utf-8-sig drops a BOM; newline="" lets csv handle CRLF, lone CR and quoted
                # line breaks (RFC 4180).
                with open(fn, encoding="utf-8-sig", newline="") as f:
                    for r in csv.DictReader(f):
                        if all(v is None or v == "" for v in r.values()):
                            continue
                        # extra cells beyond the header land under the key None: dropped
                        rows.append({k: _cell(v) for k, v in r.items() if k is not None})
            data[t] = rows
    else:
        with open(path, encoding="utf-8-sig") as f:
            j = json.load(f)
        for t in TABLES:
            data[t] = [{k: _cell(v) for k, v in r.items()} for r in j.get(t, [])]
    return data


def write_csv(folder, tables, columns=None, encoding="utf-8", **csv_options):
    """tables: {table: [row dict or tuple]}; columns: {table: header} (needed for tuple rows;
    for dict rows it defaults to the keys of the first row). Tables missing from `tables` are
    not written (a missing file is an empty table, and instructors.csv may be absent).
    encoding="utf-8-sig" writes a BOM; csv_options go to csv.writer (e.g. lineterminator)."""
    os.makedirs(folder, exist_ok=True)
    for t, rows in tables.items():
        hdr = (columns or {}).get(t) or (list(rows[0]) if rows and isinstance(rows[0], dict) else None)
        with open(os.path.join(folder, t + ".csv"), "w", newline="", encoding=encoding) as f:
            w = csv.writer(f, **csv_options)
            w.writerow(hdr)
            for r in rows:
                if isinstance(r, dict):
                    r = ["" if r.get(c) is None else r.get(c) for c in hdr]
                w.writerow(r)


def csv_to_json(folder, out, seed=0):
    """The same city as one JSON file: tables in a shuffled order, empty cells as null,
    staff_count as a JSON number."""
    d = {}
    for t in TABLES:
        fn = os.path.join(folder, t + ".csv")
        if not os.path.exists(fn):
            continue
        with open(fn, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            for k, v in r.items():
                r[k] = None if v == "" else int(v) if k == "staff_count" else v
        d[t] = rows
    keys = list(d)
    random.Random(seed).shuffle(keys)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({k: d[k] for k in keys}, f, ensure_ascii=False, indent=1)
