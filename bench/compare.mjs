#!/usr/bin/env node
// Side by side: two results files of `npm run bench` (say, before and after a change), as the
// markdown tables bench/README.md and the README keep. Each run's ratios are to the reference
// measured in that same run, so the two columns compare even when the machine's speed differed.
//
//   node bench/compare.mjs bench/results/<before>.json bench/results/<after>.json [labelA] [labelB]
import { readFileSync } from "node:fs";

const [fileA, fileB, labelA = "before", labelB = "after"] = process.argv.slice(2);
if (!fileA || !fileB) {
  console.error("usage: node bench/compare.mjs <before.json> <after.json> [labelA] [labelB]");
  process.exit(64);
}
const runs = [JSON.parse(readFileSync(fileA, "utf8")), JSON.parse(readFileSync(fileB, "utf8"))];
const labels = [labelA, labelB];

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? "–" : Number(n).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n) => (n === null || n === undefined ? "–" : n < 10 ? fmt(n, 2) : n < 100 ? fmt(n, 1) : fmt(n));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "–");

/** The router's row of an ingress scenario and the reference's, from one run. */
function ingress(run, scenario, job, server) {
  const s = run.results[scenario];
  const router = s?.[server]?.[job];
  const reference = s?.reference?.[job];
  if (!router || !reference) return undefined;
  return { router, reference, rss: s[server].rssMiB?.peak };
}

const INGRESS = [
  ["1 · 1 KiB, max", "throughput", "max", "router LOG_LEVEL=info"],
  ["2a · 1,000 req/s paced", "latency", "paced", "router LOG_LEVEL=info"],
  ["2b · 1,000 req/s bursty", "latency", "overallRate", "router LOG_LEVEL=info"],
  ["3 · 64 KiB, max", "payload64k", "max", "router LOG_LEVEL=info"],
];

const lines = [];
lines.push(`| scenario | figure | ${labels[0]} | ${labels[1]} |`, "|---|---|---:|---:|");
for (const [title, scenario, job, server] of INGRESS) {
  const [a, b] = runs.map((run) => ingress(run, scenario, job, run.results[scenario]?.[server] ? server : "router"));
  if (!a && !b) continue;
  const row = (figure, pick) => lines.push(`| ${title} | ${figure} | ${a ? pick(a) : "–"} | ${b ? pick(b) : "–"} |`);
  if (job === "max") row("req/s (reference)", (x) => `${fmt(x.router.acceptedPerS)} (${fmt(x.reference.acceptedPerS)})`);
  if (job === "max") row("req/s ÷ reference", (x) => `**${ratio(x.router.acceptedPerS, x.reference.acceptedPerS)}**`);
  row("p50 / p99 ms (reference p99)", (x) => `${ms(x.router.latencyMs.p50)} / ${ms(x.router.latencyMs.p99)} (${ms(x.reference.latencyMs.p99)})`);
  row("p99 ÷ reference", (x) => `**${ratio(x.router.latencyMs.p99, x.reference.latencyMs.p99)}**`);
  row("CPU µs/req (reference)", (x) => `${fmt(x.router.cpu?.server?.usPerRequest)} (${fmt(x.reference.cpu?.server?.usPerRequest)})`);
  if (job === "max") row("peak RSS MiB", (x) => fmt(x.rss));
}
const [wa, wb] = runs.map((run) => run.results.worker);
if (wa || wb) {
  const row = (figure, pick) => lines.push(`| 4 · worker | ${figure} | ${wa && !wa.error ? pick(wa) : "–"} | ${wb && !wb.error ? pick(wb) : "–"} |`);
  row("events/s", (w) => `**${fmt(w.eventsPerS)}**`);
  row("CPU µs/event", (w) => fmt(w.cpu?.server?.usPerRequest));
  row("peak RSS MiB", (w) => fmt(w.rssMiB?.peak));
}
const [la, lb] = runs.map((run) => run.results.longrun);
if (la || lb) {
  const row = (figure, pick) => lines.push(`| 5 · long run | ${figure} | ${la && !la.error ? pick(la) : "–"} | ${lb && !lb.error ? pick(lb) : "–"} |`);
  row("events (req/s)", (l) => `${fmt(l.accepted)} (${fmt(l.acceptedPerS)})`);
  row("RSS start / peak / end MiB", (l) => `${fmt(l.rssMiB.start)} / ${fmt(l.rssMiB.peak)} / ${fmt(l.rssMiB.end)}`);
}
lines.push("");
for (const [i, run] of runs.entries()) {
  const m = run.machine;
  lines.push(`${labels[i]}: ${m.commit}, ${m.cores} × ${m.cpu}, Node ${m.node}, RabbitMQ ${m.rabbitmq}, other load before start ${m.otherCoresBeforeStart} cores.`);
}
console.log(lines.join("\n"));
