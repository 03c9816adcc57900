#!/usr/bin/env node
// Decodes every body ndj-otlp wrote with the official OpenTelemetry
// protobuf definitions (the generated root @opentelemetry/otlp-transformer
// bundles), not a parser of ours: each body goes through fromObject, the
// binary encoding and back, and must come back whole (a misspelt or
// mistyped field would be dropped or changed); trace and span ids must be
// 32 and 16 lower-case hex digits (OTLP/HTTP JSON's exception to base64).
// Prints the traces as indented trees of span names (children by start
// time), then "N bodies, N items, N marks", on stdout; exits 1 on a fault.
// Usage: verify.js traces|logs|metrics FILE
'use strict';
const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');

const [signal, file] = process.argv.slice(2);
const collector = root.opentelemetry.proto.collector;
const Type = {
  traces: collector.trace.v1.ExportTraceServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
}[signal];
if (!Type) {
  console.error('usage: verify.js traces|logs|metrics FILE');
  process.exit(2);
}

let faults = 0;
function fault(where, why) {
  console.error(`verify.js: ${where}: ${why}`);
  faults++;
}

const idLength = { traceId: 16, spanId: 8, parentSpanId: 8 };
// Hex ids to the base64 that protobufjs' fromObject reads for bytes.
function convertIds(v, where) {
  if (Array.isArray(v)) return v.map((x, i) => convertIds(x, `${where}[${i}]`));
  if (v === null || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (k in idLength && typeof x === 'string') {
      const n = idLength[k];
      if (!new RegExp(`^[0-9a-f]{${2 * n}}$`).test(x) || /^0+$/.test(x)) fault(where, `${k} "${x}" is not ${n} bytes of lower-case hex, not all zero`);
      out[k] = Buffer.from(x, 'hex').toString('base64');
    } else {
      out[k] = convertIds(x, `${where}.${k}`);
    }
  }
  return out;
}

function isDefault(v) {
  return v === 0 || v === '0' || v === false || v === '' || (Array.isArray(v) && v.length === 0);
}
// Every member of `want` comes back in `got` with the same value (a default
// value may come back absent: proto3 does not encode it).
function same(want, got, where) {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return fault(where, 'array changed in the round trip');
    want.forEach((x, i) => same(x, got[i], `${where}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') return fault(where, 'object lost in the round trip');
    for (const [k, x] of Object.entries(want)) {
      if (!(k in got)) {
        if (!isDefault(x) && !(typeof x === 'object' && x && Object.keys(x).length === 0))
          fault(`${where}.${k}`, 'unknown to the protobuf definitions (dropped)');
      } else {
        same(x, got[k], `${where}.${k}`);
      }
    }
  } else if (String(want) !== String(got) && !(typeof want === 'number' && Number(got) === want)) {
    fault(where, `${JSON.stringify(want)} came back as ${JSON.stringify(got)}`);
  }
}

const spans = [];
let bodies = 0, items = 0, marks = 0;
fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
  if (!line) return;
  if (line.startsWith('{"ndj_mark":')) return void marks++;
  const where = `${file}:${i + 1}`;
  const body = convertIds(JSON.parse(line), where);
  const err = Type.verify(Type.fromObject(body));
  if (err) fault(where, err);
  const back = Type.toObject(Type.decode(Type.encode(Type.fromObject(body)).finish()),
                             { longs: String, enums: Number, bytes: String });
  same(body, back, where);
  bodies++;
  for (const r of back.resourceSpans || []) for (const s of r.scopeSpans || []) for (const sp of s.spans || []) {
    items++;
    const hex = (b) => (b ? Buffer.from(b, 'base64').toString('hex') : '');
    if (Buffer.from(sp.traceId, 'base64').length !== 16 || Buffer.from(sp.spanId, 'base64').length !== 8)
      fault(where, 'id of the wrong length');
    spans.push({ trace: hex(sp.traceId), id: hex(sp.spanId), parent: hex(sp.parentSpanId), name: sp.name,
                 start: BigInt(sp.startTimeUnixNano), end: BigInt(sp.endTimeUnixNano) });
    if (BigInt(sp.endTimeUnixNano) < BigInt(sp.startTimeUnixNano)) fault(where, `span ${sp.name} ends before it starts`);
  }
  for (const r of back.resourceLogs || []) for (const s of r.scopeLogs || []) items += (s.logRecords || []).length;
  for (const r of back.resourceMetrics || []) for (const s of r.scopeMetrics || []) items += (s.metrics || []).length;
});

// The trees: a span whose parent is missing is a root marked "(orphan)".
const byId = new Map(spans.map((s) => [s.id, s]));
const children = new Map();
for (const s of spans) {
  const key = s.parent && byId.has(s.parent) ? s.parent : '';
  if (!children.has(key)) children.set(key, []);
  children.get(key).push(s);
}
const order = (a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.name < b.name ? -1 : 1);
function print(s, depth) {
  console.log(`${'  '.repeat(depth)}${s.name}${depth === 0 && s.parent ? ' (orphan)' : ''}`);
  for (const c of (children.get(s.id) || []).sort(order)) print(c, depth + 1);
}
for (const r of (children.get('') || []).sort(order)) print(r, 0);
console.log(`${bodies} bodies, ${items} items, ${marks} marks, ${new Set(spans.map((s) => s.trace)).size} traces`);
process.exit(faults ? 1 : 0);
