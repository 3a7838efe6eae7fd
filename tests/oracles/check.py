#!/usr/bin/python3
"""Runs orgraph and the two oracles on cities and reports every disagreement.

    /usr/bin/python3 check.py ORGRAPH_BIN [--full DATA...] [--sampled DATA...] [--gaps DATA...]
                              [--thin DATA...]

Plans, per city ("drawn": with a seed made from the city's folder name, the same every run):
  --full     coverage --by each of its 5 keys; clusters with all 26 option sets of
             compare_coverage_clusters.CLUSTER_OPTIONS; clusters --area on up to 2 areas per
             level (one with the default links, one with all links --within street); gaps with
             each of the 5 option sets of compare_gaps.GAPS_OPTIONS (about 45 commands).
  --sampled  coverage --by each key; 6 drawn cluster option sets and one drawn --area run; gaps
             with the defaults and one drawn option set (14 commands).
  --gaps     gaps with the 5 option sets; coverage with a drawn --by; clusters with the defaults
             and one drawn option set (8 commands).
  --thin     for a large city: coverage --by each key; 6 cluster option sets; --area on its
             first district and first street; gaps with the defaults and with thresholds.
The tool runs with --threads 1 (two cities are checked at once; results do not depend on
--threads, tests/cli/determinism.sh checks that). Exit status 1 on any disagreement, after
printing the city, the command and its first differences.
"""
import json
import os
import random
import subprocess
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare_coverage_clusters as ccc  # noqa: E402
import compare_gaps as cg  # noqa: E402
import coverage_clusters_oracle as cco  # noqa: E402
import gaps_oracle as go  # noqa: E402
from citydata import load  # noqa: E402

MAX_LINES = 8     # differences printed per failing command
MAX_COMMANDS = 3  # failing commands printed per city

THIN_CLUSTERS = [[], ["--link", "person", "--within", "street"],
                 ["--link", "community,street-industry", "--within", "district"],
                 ["--link", ccc.ALL_LINKS], ["--min-size", "3", "--link", ccc.ALL_LINKS],
                 ["--top", "2", "--min-size", "2"]]


def plan(kind, data):
    """[(command, options)] for one city."""
    areas = ccc.areas_by_level(data)
    R = random.Random(zlib.crc32(os.path.basename(data).encode()))  # the same draws every run
    cover = [("coverage", ["--by", by]) for by in ccc.BY]
    if kind == "full":
        runs = cover + [("clusters", a) for a in ccc.CLUSTER_OPTIONS]
        for level in ("city", "district", "street", "community"):
            for area, variant in zip(areas.get(level, []), ccc.AREA_VARIANTS[:2]):
                runs.append(("clusters", ["--area", area] + variant))
        return runs + [("gaps", a) for a in cg.GAPS_OPTIONS]
    if kind == "sampled":
        runs = cover + [("clusters", a) for a in R.sample(ccc.CLUSTER_OPTIONS, 6)]
        ids = [a for level in areas.values() for a in level]
        if ids:
            runs.append(("clusters", ["--area", R.choice(ids)] + R.choice(ccc.AREA_VARIANTS)))
        return runs + [("gaps", []), ("gaps", R.choice(cg.GAPS_OPTIONS[1:]))]
    if kind == "gaps":
        return ([("gaps", a) for a in cg.GAPS_OPTIONS] + [("coverage", ["--by", R.choice(ccc.BY)])]
                + [("clusters", a) for a in [[]] + R.sample(ccc.CLUSTER_OPTIONS[1:], 1)])
    # thin: a large city
    runs = cover + [("clusters", a) for a in THIN_CLUSTERS]
    for level in ("district", "street"):
        runs += [("clusters", ["--area", a]) for a in areas.get(level, [])[:1]]
    return runs + [("gaps", []), ("gaps", cg.GAPS_OPTIONS[3])]


def check_city(bin_path, kind, data):
    """(commands run, commands that disagree, report lines for the first MAX_COMMANDS)."""
    d = load(data)
    city = cco.City(d)
    names = [cg.people_names(data)]  # checked on the first gaps command only
    audits = {}  # gaps thresholds -> the oracle's gaps

    def oracle_diffs(cmd, args, t):
        if cmd == "coverage":
            return ccc.coverage_diffs(t, cco.coverage(city, args[1]))
        if cmd == "clusters":
            return ccc.clusters_diffs(t, cco.clusters(city, **ccc.parse_cluster_options(args)))
        severity, thresholds = cg.parse_gaps_options(args)
        key = tuple(sorted(thresholds.items()))
        if key not in audits:
            audits[key] = go.audit(d, **thresholds)
        return cg.gaps_diffs(t, go.report(audits[key], severity), names.pop() if names else ())

    failures, n_failed = [], 0
    runs = plan(kind, data)
    for cmd, args in runs:
        argv = [bin_path, "--threads", "1", cmd, data, "--format", "json", "--quiet"] + args
        p = subprocess.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            diffs = [f"the tool exited with {p.returncode}: {p.stderr.strip()[-400:]}"]
        else:
            try:
                t = json.loads(p.stdout)
            except ValueError as e:
                diffs = [f"the tool's output is not JSON ({e})"]
            else:
                diffs = oracle_diffs(cmd, args, t)
        if diffs:
            n_failed += 1
            if n_failed > MAX_COMMANDS:
                continue
            failures.append(f"FAIL {data}\n  orgraph {' '.join(argv[3:])}")
            failures += ["    " + (x if len(x) <= 400 else x[:400] + " ...") for x in diffs[:MAX_LINES]]
            if len(diffs) > MAX_LINES:
                failures.append(f"    ... and {len(diffs) - MAX_LINES} more")
    if n_failed > MAX_COMMANDS:
        failures.append(f"  ... and {n_failed - MAX_COMMANDS} more commands disagree on {data}")
    return len(runs), n_failed, failures


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("--"):
        sys.exit(__doc__)
    bin_path, kind, tasks = os.path.abspath(args[0]), None, []
    for a in args[1:]:
        if a in ("--full", "--sampled", "--gaps", "--thin"):
            kind = a[2:]
        elif kind is None:
            sys.exit("check.py: give --full, --sampled, --gaps or --thin before the cities")
        else:
            tasks.append((kind, a))
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        results = list(pool.map(check_city, [bin_path] * len(tasks), *zip(*tasks)))
    for _, _, lines in results:
        if lines:
            print("\n".join(lines))
    n_runs, n_failed = sum(r[0] for r in results), sum(r[1] for r in results)
    n_cities = sum(1 for r in results if r[1])
    print(f"oracles: {len(tasks)} cities, {n_runs} commands compared; "
          f"{n_failed} commands on {n_cities} cities disagree")
    sys.exit(1 if n_failed else 0)


if __name__ == "__main__":
    main()
