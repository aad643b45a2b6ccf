#!/usr/bin/env node
// Side by side: results files of `npm run bench` (say, before and after a change), as the
// markdown tables bench/README.md and the README keep. Each run's ratios are to the reference
// measured in that same run, so the columns compare even when the machine's speed differed.
//
//   node bench/compare.mjs <a.json> <b.json> [more.json …] [--labels "before,after,…"]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const labelsAt = args.indexOf("--labels");
const files = labelsAt >= 0 ? args.filter((_, i) => i !== labelsAt && i !== labelsAt + 1) : args;
if (files.length < 2) {
  console.error('usage: node bench/compare.mjs <a.json> <b.json> [more.json …] [--labels "before,after,…"]');
  process.exit(64);
}
const runs = files.map((file) => JSON.parse(readFileSync(file, "utf8")));
const given = labelsAt >= 0 ? (args[labelsAt + 1] ?? "").split(",") : [];
const labels = runs.map((run, i) => given[i]?.trim() || run.machine.commit);

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "–"
    : Number(n).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
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

const cells = (pick) => runs.map((run) => pick(run) ?? "–").join(" | ");
const lines = [];
lines.push(`| scenario | figure | ${labels.join(" | ")} |`, `|---|---|${runs.map(() => "---:").join("|")}|`);
for (const [title, scenario, job, server] of INGRESS) {
  const rows = runs.map((run) => ingress(run, scenario, job, run.results[scenario]?.[server] ? server : "router"));
  if (rows.every((x) => !x)) continue;
  const row = (figure, pick) => lines.push(`| ${title} | ${figure} | ${rows.map((x) => (x ? pick(x) : "–")).join(" | ")} |`);
  if (job === "max") row("req/s (reference)", (x) => `${fmt(x.router.acceptedPerS)} (${fmt(x.reference.acceptedPerS)})`);
  if (job === "max") row("req/s ÷ reference", (x) => `**${ratio(x.router.acceptedPerS, x.reference.acceptedPerS)}**`);
  row("p50 / p99 ms (reference p99)", (x) => `${ms(x.router.latencyMs.p50)} / ${ms(x.router.latencyMs.p99)} (${ms(x.reference.latencyMs.p99)})`);
  row("p99 ÷ reference", (x) => `**${ratio(x.router.latencyMs.p99, x.reference.latencyMs.p99)}**`);
  row("CPU µs/req (reference)", (x) => `${fmt(x.router.cpu?.server?.usPerRequest)} (${fmt(x.reference.cpu?.server?.usPerRequest)})`);
  if (job === "max") row("peak RSS MiB", (x) => fmt(x.rss));
}
const worker = (pick) => (run) => (run.results.worker && !run.results.worker.error ? pick(run.results.worker) : undefined);
if (runs.some((run) => run.results.worker)) {
  lines.push(`| 4 · worker | events/s | ${cells(worker((w) => `**${fmt(w.eventsPerS)}**`))} |`);
  lines.push(`| 4 · worker | CPU µs/event | ${cells(worker((w) => fmt(w.cpu?.server?.usPerRequest)))} |`);
  lines.push(`| 4 · worker | peak RSS MiB | ${cells(worker((w) => fmt(w.rssMiB?.peak)))} |`);
}
const long = (pick) => (run) => (run.results.longrun && !run.results.longrun.error ? pick(run.results.longrun) : undefined);
if (runs.some((run) => run.results.longrun)) {
  lines.push(`| 5 · long run | events (req/s) | ${cells(long((l) => `${fmt(l.accepted)} (${fmt(l.acceptedPerS)})`))} |`);
  lines.push(
    `| 5 · long run | RSS start / peak / end MiB | ${cells(long((l) => `${fmt(l.rssMiB.start)} / ${fmt(l.rssMiB.peak)} / ${fmt(l.rssMiB.end)}`))} |`,
  );
}
const sync = (pick) => (run) => (run.results.sync && !run.results.sync.error ? pick(run.results.sync) : undefined);
if (runs.some((run) => run.results.sync)) {
  const figures = (x) => `${ms(x.latencyMs.p50)} / ${ms(x.latencyMs.p99)}`;
  lines.push(
    `| 7 · sync API, paced | p50 / p99 ms (webhook 202 at the same rate) | ${cells(sync((y) => `${figures(y.sync)} (${figures(y.webhook)})`))} |`,
  );
  lines.push(`| 7 · sync API, paced | p50 / p99 ÷ webhook 202 | ${cells(sync((y) => `**${y.syncOverWebhook.p50} / ${y.syncOverWebhook.p99}**`))} |`);
}
lines.push("");
for (const [i, run] of runs.entries()) {
  const m = run.machine;
  lines.push(
    `- ${labels[i]}: ${m.commit}, ${m.cores} × ${m.cpu}, Node ${m.node}, RabbitMQ ${m.rabbitmq}; other load before the start ${m.otherCoresBeforeStart} cores.`,
  );
}
console.log(lines.join("\n"));
