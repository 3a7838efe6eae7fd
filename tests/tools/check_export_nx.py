#!/usr/bin/python3
"""Loads an `orgraph export` file with networkx and checks what it sees against expectations.

    /usr/bin/python3 check_export_nx.py FORMAT FILE EXPECT.json [EXPECT2.json ...]

FORMAT: gexf (networkx.read_gexf), graphml (networkx.read_graphml) or node-link
(networkx.node_link_graph). Run it with Debian's python (python3-networkx). The expectation
files are those of check_export.js, merged the same way, and the checks are the same.

networkx 2.8 knows GEXF 1.1draft and 1.2draft only; orgraph writes GEXF 1.3, whose reading
differs only in the namespace, so the 1.3 namespace is registered the way networkx registers the
others (docs/export.md shows users the same two lines).
"""
import inspect
import json
import math
import os
import sys

import networkx as nx
from networkx.readwrite import gexf as nx_gexf


def fail(message):
    print(f"check_export_nx: {message}", file=sys.stderr)
    sys.exit(1)


def must(cond, message):
    if not cond:
        fail(message)


def merge_expectations(files):
    out = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            e = json.load(fh)
        for k, v in e.items():
            if isinstance(v, list):
                out[k] = out.get(k, []) + v
            elif isinstance(v, dict):
                out.setdefault(k, {}).update(v)
            else:
                out[k] = v
    return out


def read_gexf(path):
    if "1.3" not in nx_gexf.GEXF.versions:
        nx_gexf.GEXF.versions["1.3"] = {
            "NS_GEXF": "http://gexf.net/1.3",
            "NS_VIZ": "http://gexf.net/1.3/viz",
            "NS_XSI": "http://www.w3.org/2001/XMLSchema-instance",
            "SCHEMALOCATION": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            "VERSION": "1.3",
        }
    g = nx.read_gexf(path, version="1.3")
    for _, a in g.nodes(data=True):
        pos = a.get("viz", {}).get("position")
        if pos is not None:
            a["x"], a["y"] = pos["x"], pos["y"]
    return g


def read_node_link(path):
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    must(data.get("directed") is True and data.get("multigraph") is True,
         "node-link: not marked directed and multigraph")
    must(data.get("graph") == {}, "node-link: graph is not {}")
    # The list of links is "links" in networkx 2.8 (keyword `link`), "edges" from 3.4 on.
    params = inspect.signature(nx.node_link_graph).parameters
    if "edges" in params:
        return nx.node_link_graph(data, edges="links")
    return nx.node_link_graph(data, link="links")


LOADERS = {
    "gexf": read_gexf,
    "graphml": lambda p: nx.read_graphml(p),
    "node-link": read_node_link,
}


def check(fmt, text, g, e):
    must(g.is_directed(), f"{fmt}: networkx read an undirected graph")
    nodes = dict(g.nodes(data=True))
    if g.is_multigraph():
        edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        edges = [(u, v, None, d) for u, v, d in g.edges(data=True)]
    must(len(nodes) == e["nodes"], f"{fmt}: {len(nodes)} nodes, expected {e['nodes']}")
    must(len(edges) == e["edges"], f"{fmt}: {len(edges)} edges, expected {e['edges']}")
    for nid, a in nodes.items():
        must(isinstance(a.get("x"), float) and math.isfinite(a["x"]) and
             isinstance(a.get("y"), float) and math.isfinite(a["y"]),
             f"{fmt}: node {nid} has no position")
        must(isinstance(a.get("kind"), str) and nid.startswith(a["kind"] + ":"),
             f"{fmt}: node {nid} has kind {a.get('kind')}")
        must(isinstance(a.get("label"), str) and a["label"] != "", f"{fmt}: node {nid} has no label")

    def same_counts(actual, expected, what):
        for k, v in expected.items():
            must(actual.get(k, 0) == v, f"{what} {k}: found {actual.get(k, 0)}, expected {v}")
        for k, v in actual.items():
            must(k in expected, f"{what} {k}: found {v}, expected none")

    def count_by(values):
        out = {}
        for v in values:
            if v is not None:
                out[v] = out.get(v, 0) + 1
        return out

    if "kinds" in e:
        same_counts(count_by(a.get("kind") for a in nodes.values()), e["kinds"], f"{fmt}: kind")
    if "rels" in e:
        same_counts(count_by(d.get("rel") for _, _, _, d in edges), e["rels"], f"{fmt}: rel")
    for kind, attr, value, n in e.get("counts", []):
        found = sum(1 for a in nodes.values()
                    if a.get("kind") == kind and attr in a and a[attr] == value and
                    type(a[attr]) is type(value))
        must(found == n, f"{fmt}: {kind} nodes with {attr}={value}: {found}, expected {n}")
    for nid, attrs in e.get("node_attrs", {}).items():
        must(nid in nodes, f"{fmt}: node {nid} is missing")
        for k, v in attrs.items():
            got = nodes[nid].get(k)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and \
                    isinstance(got, (int, float)) and not isinstance(got, bool):
                must(abs(got - v) < 1e-6, f"{fmt}: {nid}.{k} = {got}, expected {v}")
            else:
                must(got == v and type(got) is type(v), f"{fmt}: {nid}.{k} = {got!r}, expected {v!r}")
    for nid in e.get("absent_nodes", []):
        must(nid not in nodes, f"{fmt}: node {nid} should be absent")
    for t in e.get("forbidden_text", []):
        must(t not in text, f"{fmt}: the file contains {t!r}")


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in LOADERS:
        fail("usage: check_export_nx.py gexf|graphml|node-link FILE EXPECT.json [...]")
    fmt, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    e = merge_expectations(sys.argv[3:])
    g = LOADERS[fmt](path)
    check(fmt, text, g, e)
    print(f"ok networkx {fmt} {os.path.basename(path)}: {g.number_of_nodes()} nodes, "
          f"{g.number_of_edges()} edges")


if __name__ == "__main__":
    main()
