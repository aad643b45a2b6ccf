#!/usr/bin/env node
// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went:
//   - top functions by self time;
//   - self time by package (the package or node module whose code was on the CPU);
//   - time by owner: each sample charged to the innermost frame that belongs to a dependency or
//     to the router's own code, so node core and V8 work is billed to whoever asked for it
//     (createHmac's native work to verify/, a socket write to amqplib or to pino);
//   - inclusive time of the router's own functions.
// Percentages are of the busy time (all samples but "(idle)").
//
//   node bench/cpuprofile-summary.mjs path/to/file.cpuprofile [top] [requests]
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const SPECIAL = { "(garbage collector)": "GC", "(idle)": "(idle)", "(program)": "(program: native, not attributed)", "(root)": "(root)" };

/** `express`, `@scope/name`, `router:ingress/webhook-handler.js`, `node:http`, `V8 builtin`. */
export function packageOf(frame) {
  const { url, functionName } = frame.callFrame;
  if (!url) return SPECIAL[functionName] ?? "(V8/native builtin)";
  if (url.startsWith("node:")) {
    const path = url.slice(5).replace(/^internal\//, "");
    const first = path.split("/")[0].replace(/^_/, "").split("_")[0];
    return `node:${first}`;
  }
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.lastIndexOf("/dist/");
  if (dist >= 0) return `webhook-router/${url.slice(dist + 6).split("/")[0]}`;
  return url.replace(/^file:\/\//, "");
}

function functionKey(frame) {
  const { url, functionName, lineNumber } = frame.callFrame;
  const name = functionName || "(anonymous)";
  if (!url) return name;
  const modules = url.lastIndexOf("/node_modules/");
  const dist = url.lastIndexOf("/dist/");
  const short = modules >= 0 ? url.slice(modules + 14) : dist >= 0 ? `dist/${url.slice(dist + 6)}` : url.replace(/^file:\/\//, "");
  return `${name}  ${short}:${lineNumber + 1}`;
}

/** A frame that can own work: a dependency's or the router's own code (not node core, not V8). */
function isOwner(frame) {
  const url = frame.callFrame.url;
  return Boolean(url) && !url.startsWith("node:");
}

/**
 * The owner label: the router's own code by file, a dependency by package; express by file,
 * because its response.js (res.json → node:http write) and its routing are different costs.
 */
function ownerOf(frame) {
  const url = frame.callFrame.url;
  const dist = url.lastIndexOf("/dist/");
  if (dist >= 0 && url.lastIndexOf("/node_modules/") < 0) return `webhook-router: ${url.slice(dist + 6)}`;
  const pkg = packageOf(frame);
  if (pkg === "express") return `express: ${url.slice(url.lastIndexOf("/node_modules/express/") + 22)}`;
  return pkg;
}

/** `requests`, when given, adds µs per request (accepted webhook or delivered event) to every row. */
export function summarizeProfile(profile, top = 25, requests = undefined) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample i lasted until sample i+1 (Chrome DevTools' convention).
  const { samples, timeDeltas } = profile;
  const weights = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) weights[i] = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;

  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  const selfByFunction = new Map();
  const selfByPackage = new Map();
  const byOwner = new Map();
  const inclusive = new Map();
  const ownersOfLeaf = new Map();
  let totalMs = 0;
  let idleMs = 0;

  for (let i = 0; i < samples.length; i += 1) {
    const ms = weights[i];
    const leaf = byId.get(samples[i]);
    totalMs += ms;
    if (leaf.callFrame.functionName === "(idle)") {
      idleMs += ms;
      continue;
    }
    add(selfByFunction, functionKey(leaf), ms);
    add(selfByPackage, packageOf(leaf), ms);

    let owner;
    let coreLeaf;
    const seen = new Set();
    for (let node = leaf; node; node = byId.get(parent.get(node.id))) {
      if (owner === undefined && isOwner(node)) owner = ownerOf(node);
      if (coreLeaf === undefined && node.callFrame.url.startsWith("node:")) coreLeaf = packageOf(node);
      if (node.callFrame.url.includes("/dist/") && !node.callFrame.url.includes("/node_modules/")) {
        const key = functionKey(node);
        if (!seen.has(key)) {
          seen.add(key);
          add(inclusive, key, ms);
        }
      }
    }
    const billed = owner ?? coreLeaf ?? packageOf(leaf);
    add(byOwner, billed, ms);
    const leafKey = functionKey(leaf);
    if (!ownersOfLeaf.has(leafKey)) ownersOfLeaf.set(leafKey, new Map());
    add(ownersOfLeaf.get(leafKey), billed, ms);
  }

  const busyMs = totalMs - idleMs;
  const rank = (map, n = top) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({
        name,
        ms: Math.round(ms),
        pct: Math.round((ms / busyMs) * 1000) / 10,
        ...(requests ? { usPerRequest: Math.round((ms * 1000 * 10) / requests) / 10 } : {}),
      }));
  const topSelf = rank(selfByFunction);
  for (const row of topSelf) row.owners = rank(ownersOfLeaf.get(row.name), 3);
  return {
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    idlePct: Math.round((idleMs / totalMs) * 1000) / 10,
    samples: samples.length,
    ...(requests ? { requests, busyUsPerRequest: Math.round((busyMs * 1000) / requests) } : {}),
    topSelf,
    selfByPackage: rank(selfByPackage, 30),
    byOwner: rank(byOwner, 30),
    inclusiveRouter: rank(inclusive),
  };
}

export function formatSummary(summary) {
  const section = (title, rows) =>
    [
      title,
      ...rows.map((row) => {
        const owners = row.owners ? `   ← ${row.owners.map((o) => `${o.name} ${o.pct.toFixed(1)}%`).join(", ")}` : "";
        const per = row.usPerRequest === undefined ? "" : `${row.usPerRequest.toFixed(1).padStart(7)} µs/req`;
        return `  ${row.pct.toFixed(1).padStart(5)}%  ${String(row.ms).padStart(7)} ms${per}  ${row.name}${owners}`;
      }),
    ].join("\n");
  return [
    `${summary.samples} samples, ${(summary.totalMs / 1000).toFixed(1)} s, ${summary.idlePct}% idle; percentages are of the ${(summary.busyMs / 1000).toFixed(1)} s busy` +
      (summary.requests ? `; ${summary.requests} requests, ${summary.busyUsPerRequest} busy µs each (profiler overhead included)` : ""),
    "",
    section("Top functions by self time (← who called them: owner, % of all busy time)", summary.topSelf),
    "",
    section("Self time by package (whose code was on the CPU)", summary.selfByPackage),
    "",
    section("Time by owner (node core and V8 work billed to the innermost dependency or router file that called it)", summary.byOwner),
    "",
    section("Inclusive time of the router's own functions", summary.inclusiveRouter),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [file, top, requests] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [top] [requests]");
    process.exit(2);
  }
  console.log(formatSummary(summarizeProfile(JSON.parse(readFileSync(file, "utf8")), Number(top) || 25, Number(requests) || undefined)));
}
