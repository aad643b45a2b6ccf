// What the scenarios note about a server while it runs: warnings it logged, CPU per request, its
// memory, and the one-line summary printed as each run ends.
import { brokerPid } from "./meters.mjs";

/**
 * Warnings and errors the router logged under load (a spool fallback, a lost channel), by
 * message; start-up notices (logged before `sinceMs`) are left out.
 */
export function complaints(log, sinceMs = 0) {
  const counts = {};
  for (const line of log.split("\n")) {
    if (!line.includes('"level":"warn"') && !line.includes('"level":"error"')) continue;
    let message = line.slice(0, 120);
    try {
      const parsed = JSON.parse(line);
      if (Date.parse(parsed.time) < sinceMs) continue;
      message = parsed.msg ?? message;
    } catch {
      // not a pino line (a crash trace): keep its start
    }
    if (message === "webhook rejected") continue; // counted as non-2xx already
    counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

/** RabbitMQ on this machine, measured alongside every server. */
export const BROKER_PID = brokerPid();

/** Adds CPU microseconds per accepted request for each measured process. */
export function withPerRequest(cpu, requests) {
  for (const value of Object.values(cpu)) {
    if (typeof value === "object" && requests > 0) value.usPerRequest = Math.round((value.cpuS / requests) * 1e6);
  }
  return cpu;
}

export function rssSummary(sampler) {
  return { start: sampler.marks.start, peak: sampler.peak, end: sampler.marks.end };
}

export const fmt = (n) => (n === null || n === undefined ? "-" : typeof n === "number" ? n.toLocaleString("en-US") : String(n));

export function describe(result) {
  const l = result.latencyMs;
  const extra = result.non2xx || result.errors ? `, NON-2XX ${result.non2xx} errors ${result.errors}` : "";
  const cpu = result.cpu ?? {};
  const share = (name) => (cpu[name] ? `${name} ${cpu[name].coreShare}` : undefined);
  const cores = ["server", "broker", "load", "other"].map(share).filter(Boolean).join(", ");
  return (
    `${fmt(result.acceptedPerS)} req/s, p50 ${fmt(l.p50)} p99 ${fmt(l.p99)} p99.9 ${fmt(l.p999)} ms, peak RSS ${fmt(result.rssMiB?.peak)} MiB; ` +
    `server ${fmt(cpu.server?.usPerRequest)} CPU-µs/req; cores used: ${cores}${extra}`
  );
}
