#!/usr/bin/env node
// Loads an `orgraph export` file with the JavaScript library its users open it with, then checks
// what the library sees against expectations.
//
//   node check_export.js FORMAT FILE EXPECT.json [EXPECT2.json ...]
//
// FORMAT: cytoscape (cytoscape.js headless), graphology (Graph.from), gexf (graphology-gexf's
// parser, after a strict XML well-formedness check with @xmldom/xmldom), jgf (ajv against the
// JSON Graph Format v2 schema, plus edge endpoints) or graphml (strict XML parse with xmldom).
// Expectation files are merged (objects key by key, lists concatenated); see checks below.
'use strict';

const fs = require('fs');
const path = require('path');

const SCHEMA = process.env.JGF_SCHEMA ||
  path.join(__dirname, '..', '..', '..', 'shared', 'schemas', 'json-graph-schema_v2.json');

function fail(message) {
  console.error(`check_export: ${message}`);
  process.exit(1);
}
function must(cond, message) {
  if (!cond) fail(message);
}

function mergeExpectations(files) {
  const out = {};
  for (const f of files) {
    const e = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const [k, v] of Object.entries(e)) {
      if (Array.isArray(v)) out[k] = (out[k] || []).concat(v);
      else if (v && typeof v === 'object') out[k] = Object.assign(out[k] || {}, v);
      else out[k] = v;
    }
  }
  return out;
}

// XML must be well-formed: xmldom only warns by default, so make its errors fatal.
function strictXml(text) {
  const {DOMParser} = require('@xmldom/xmldom');
  const problems = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: (m) => problems.push(`warning: ${m}`),
      error: (m) => problems.push(`error: ${m}`),
      fatalError: (m) => problems.push(`fatal: ${m}`),
    },
  }).parseFromString(text, 'application/xml');
  must(problems.length === 0, `XML is not well-formed: ${problems.slice(0, 3).join('; ')}`);
  return doc;
}

function fromGraphology(graph) {
  const nodes = new Map();
  graph.forEachNode((key, attrs) => nodes.set(key, Object.assign({}, attrs)));
  const edges = [];
  graph.forEachEdge((key, attrs, source, target) =>
    edges.push({id: key, source, target, attrs: Object.assign({}, attrs)}));
  return {nodes, edges};
}

const loaders = {
  cytoscape(text) {
    const cytoscape = require('cytoscape');
    const data = JSON.parse(text);
    for (const k of ['format_version', 'generated_by', 'target_cytoscapejs_version', 'data',
      'elements']) {
      must(k in data, `cytoscape: header field ${k} is missing (Cytoscape desktop needs it)`);
    }
    must(typeof data.data.name === 'string', 'cytoscape: data.name is missing');
    for (const n of data.elements.nodes) {
      must(n.position && Number.isFinite(n.position.x) && Number.isFinite(n.position.y),
        `cytoscape: node ${n.data.id} has no position`);
      must(typeof n.classes === 'string', `cytoscape: node ${n.data.id} has no classes`);
    }
    const cy = cytoscape({headless: true, elements: data.elements});
    must(cy.nodes().length === data.elements.nodes.length,
      `cytoscape.js kept ${cy.nodes().length} of ${data.elements.nodes.length} nodes`);
    must(cy.edges().length === data.elements.edges.length,
      `cytoscape.js kept ${cy.edges().length} of ${data.elements.edges.length} edges`);
    const nodes = new Map();
    cy.nodes().forEach((n) => {
      const d = n.data();
      if (d.parent !== undefined) {
        must(n.isChild() && n.parent().id() === d.parent,
          `cytoscape: ${n.id()} is not a child of its parent ${d.parent}`);
      }
      const attrs = Object.assign({}, d);
      delete attrs.id;
      attrs.x = n.position('x');
      attrs.y = n.position('y');
      nodes.set(n.id(), attrs);
    });
    const edges = cy.edges().map((e) => {
      const attrs = Object.assign({}, e.data());
      return {id: e.id(), source: e.source().id(), target: e.target().id(), attrs};
    });
    return {nodes, edges, compound: cy.nodes().filter((n) => n.isParent()).length};
  },

  graphology(text) {
    const Graph = require('graphology');
    const data = JSON.parse(text);
    const graph = Graph.from(data);
    must(graph.type === 'directed', `graphology: graph type is ${graph.type}`);
    must(graph.multi, 'graphology: graph is not multi');
    must(graph.allowSelfLoops, 'graphology: graph does not allow self loops');
    // sigma.js reads a node's or edge's `type` attribute as its renderer: none may be named so.
    must(!('type' in (data.attributes || {})), 'graphology: a graph attribute is named `type`');
    graph.forEachNode((key, attrs) =>
      must(!('type' in attrs), `graphology: node ${key} has an attribute named type`));
    graph.forEachEdge((key, attrs) =>
      must(!('type' in attrs), `graphology: edge ${key} has an attribute named type`));
    return fromGraphology(graph);
  },

  gexf(text) {
    strictXml(text);
    must(text.includes('xmlns="http://gexf.net/1.3"'), 'gexf: not the GEXF 1.3 namespace');
    must(text.includes('xmlns:viz="http://gexf.net/1.3/viz"'), 'gexf: no viz 1.3 namespace');
    const Graph = require('graphology');
    const gexf = require('graphology-gexf');
    const graph = gexf.parse(Graph, text);  // throws on undeclared attributes, dangling edges
    must(graph.type === 'directed', `graphology-gexf: graph type is ${graph.type}`);
    return fromGraphology(graph);
  },

  graphml(text) {
    const doc = strictXml(text);
    const keys = new Map();
    const keyEls = doc.getElementsByTagName('key');
    for (let i = 0; i < keyEls.length; i++) {
      const k = keyEls[i];
      const type = k.getAttribute('attr.type');
      must(['string', 'int', 'long', 'float', 'double', 'boolean'].includes(type),
        `graphml: key ${k.getAttribute('id')} has type ${type}`);
      keys.set(k.getAttribute('id'), {name: k.getAttribute('attr.name'), type});
    }
    const g = doc.getElementsByTagName('graph')[0];
    must(g.getAttribute('edgedefault') === 'directed', 'graphml: edgedefault is not directed');
    const value = (el) => {
      const key = keys.get(el.getAttribute('key'));
      must(key, `graphml: data uses undeclared key ${el.getAttribute('key')}`);
      const t = el.textContent;
      if (key.type === 'boolean') return t === 'true';
      if (key.type === 'string') return t;
      return Number(t);
    };
    const collect = (el) => {
      const attrs = {};
      const ds = el.getElementsByTagName('data');
      for (let i = 0; i < ds.length; i++) attrs[keys.get(ds[i].getAttribute('key')).name] = value(ds[i]);
      return attrs;
    };
    const nodes = new Map();
    const nodeEls = doc.getElementsByTagName('node');
    for (let i = 0; i < nodeEls.length; i++) nodes.set(nodeEls[i].getAttribute('id'), collect(nodeEls[i]));
    const edges = [];
    const edgeEls = doc.getElementsByTagName('edge');
    for (let i = 0; i < edgeEls.length; i++) {
      const e = edgeEls[i];
      edges.push({id: e.getAttribute('id'), source: e.getAttribute('source'),
        target: e.getAttribute('target'), attrs: collect(e)});
    }
    return {nodes, edges};
  },

  jgf(text) {
    const Ajv = require('ajv');
    const data = JSON.parse(text);
    const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));
    const ajv = new Ajv({allErrors: true, strict: false});
    const validate = ajv.compile(schema);
    must(validate(data), `jgf: not valid JSON Graph Format v2: ${ajv.errorsText(validate.errors)}`);
    must(Array.isArray(data.graph.edges), 'jgf: "edges" is missing');
    must(data.graph.directed === true, 'jgf: graph is not directed');
    const nodes = new Map();
    for (const [id, n] of Object.entries(data.graph.nodes)) {
      nodes.set(id, Object.assign({label: n.label}, n.metadata));
    }
    const edges = data.graph.edges.map((e) => ({id: e.id, source: e.source, target: e.target,
      attrs: Object.assign({relation: e.relation}, e.metadata)}));
    for (const e of edges) {
      must(e.attrs.relation === e.attrs.rel, `jgf: edge ${e.id} relation differs from rel`);
    }
    return {nodes, edges};
  },
};

function countBy(items, f) {
  const out = {};
  for (const x of items) {
    const k = f(x);
    if (k !== undefined) out[k] = (out[k] || 0) + 1;
  }
  return out;
}

function sameCounts(actual, expected, what) {
  for (const [k, v] of Object.entries(expected)) {
    must((actual[k] || 0) === v, `${what} ${k}: found ${actual[k] || 0}, expected ${v}`);
  }
  for (const [k, v] of Object.entries(actual)) {
    must(k in expected, `${what} ${k}: found ${v}, expected none`);
  }
}

function check(format, text, g, e) {
  must(g.nodes.size === e.nodes, `${format}: ${g.nodes.size} nodes, expected ${e.nodes}`);
  must(g.edges.length === e.edges, `${format}: ${g.edges.length} edges, expected ${e.edges}`);
  const ids = new Set();
  for (const edge of g.edges) {
    must(g.nodes.has(edge.source) && g.nodes.has(edge.target),
      `${format}: edge ${edge.id} has a missing endpoint`);
    must(!ids.has(edge.id), `${format}: edge id ${edge.id} repeats`);
    ids.add(edge.id);
  }
  for (const [id, a] of g.nodes) {
    must(Number.isFinite(a.x) && Number.isFinite(a.y), `${format}: node ${id} has no position`);
    must(typeof a.kind === 'string' && id.startsWith(a.kind + ':'),
      `${format}: node ${id} has kind ${a.kind}`);
    must(typeof a.label === 'string' && a.label.length > 0, `${format}: node ${id} has no label`);
  }
  if (e.kinds) sameCounts(countBy(g.nodes.values(), (a) => a.kind), e.kinds, `${format}: kind`);
  if (e.rels) sameCounts(countBy(g.edges, (x) => x.attrs.rel), e.rels, `${format}: rel`);
  for (const [kind, attr, value, n] of e.counts || []) {
    let found = 0;
    for (const a of g.nodes.values()) if (a.kind === kind && a[attr] === value) found++;
    must(found === n, `${format}: ${kind} nodes with ${attr}=${value}: ${found}, expected ${n}`);
  }
  for (const [id, attrs] of Object.entries(e.node_attrs || {})) {
    must(g.nodes.has(id), `${format}: node ${id} is missing`);
    for (const [k, v] of Object.entries(attrs)) {
      const got = g.nodes.get(id)[k];
      if (typeof v === 'number' && typeof got === 'number') {
        must(Math.abs(got - v) < 1e-6, `${format}: ${id}.${k} = ${got}, expected ${v}`);
      } else {
        must(got === v, `${format}: ${id}.${k} = ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`);
      }
    }
  }
  for (const id of e.absent_nodes || []) must(!g.nodes.has(id), `${format}: node ${id} should be absent`);
  for (const t of e.forbidden_text || []) {
    must(!text.includes(t), `${format}: the file contains ${JSON.stringify(t)}`);
  }
}

function main() {
  const [format, file, ...expectFiles] = process.argv.slice(2);
  must(format && file && expectFiles.length > 0,
    'usage: check_export.js FORMAT FILE EXPECT.json [EXPECT2.json ...]');
  must(format in loaders, `unknown format ${format}`);
  const text = fs.readFileSync(file, 'utf8');
  const expected = mergeExpectations(expectFiles);
  const g = loaders[format](text);
  check(format, text, g, expected);
  console.log(`ok ${format} ${path.basename(file)}: ${g.nodes.size} nodes, ${g.edges.length} edges`);
}

main();
