#!/usr/bin/env node
// The load generator: a child process of its own (forked by run.mjs and profile.mjs), so it never
// shares an event loop with the server under test. It takes one job over IPC, answers with one
// result, and exits when told.
//
// Modes:
//   max   autocannon, `connections` closed-loop connections, as fast as the server answers;
//         a warm-up run first (discarded), then `durationS` measured. With `amount` instead of
//         a duration (the long run) it sends that many, in chunks of a freshly signed pool.
//   rate  autocannon with `overallRate`. autocannon spends each connection's per-second budget
//         back to back at the start of every second, so this is latency under bursts of
//         `connections` concurrent requests, not under evenly spaced arrivals (see `paced`).
//   paced open loop on node:http: one request every 1/rate s on schedule whether or not earlier
//         ones have been answered (at most `connections` sockets; excess waits in the agent and
//         that wait counts). Latency is from the moment the request was issued.
//
// Every request carries a distinct pre-signed body from the pool, rotating; latencies are exact
// (float ms from the 'response' event), not autocannon's 1 ms-bucket histogram.
import { Agent, request as httpRequest } from "node:http";
import autocannon from "autocannon";
import { signedPool } from "./payloads.mjs";

/** Exact percentiles of the recorded latencies (ms). */
class Latencies {
  #values = new Float64Array(1 << 16);
  #count = 0;

  record(ms) {
    if (this.#count === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = ms;
  }

  summary() {
    const sorted = this.#values.slice(0, this.#count).sort();
    const at = (q) => (sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]));
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: sorted.length,
      mean: sorted.length ? round(sum / sorted.length) : null,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: sorted.length ? round(sorted[sorted.length - 1]) : null,
    };
  }
}

const round = (ms) => Math.round(ms * 1000) / 1000;

/** Hands out pool entries in rotation; `renew` signs a fresh pool (long runs, 300 s tolerance). */
function rotation(job) {
  let pool;
  let next = 0;
  let first = 0;
  const renew = () => {
    pool = signedPool({ count: job.poolSize, size: job.bodyBytes, secret: job.secret, runId: job.runId, first });
    first += job.poolSize;
  };
  renew();
  return {
    renew,
    take: () => pool[next++ % pool.length],
    get wrapped() {
      return Math.max(0, Math.floor((next - 1) / pool.length));
    },
  };
}

function cannon(job, bodies, options, latencies) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: job.path,
            setupRequest: (request) => {
              const entry = bodies.take();
              request.body = entry.body;
              Object.assign(request.headers, entry.headers);
              return request;
            },
          },
        ],
        ...options,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) {
      instance.on("response", (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) latencies.record(ms);
      });
    }
  });
}

function summarize(results, latencies, extra = {}) {
  const sum = (key) => results.reduce((total, result) => total + (result[key] ?? 0), 0);
  const durationS = results.reduce((total, result) => total + result.duration, 0);
  const statusCodes = {};
  for (const result of results) {
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  const accepted = sum("2xx");
  return {
    durationS: round(durationS),
    sent: results.reduce((total, result) => total + result.requests.sent, 0),
    accepted,
    acceptedPerS: Math.round(accepted / durationS),
    non2xx: sum("non2xx"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    statusCodes,
    latencyMs: latencies.summary(),
    ...extra,
  };
}

async function runMax(job) {
  const bodies = rotation(job);
  const warmup = job.warmupS > 0 ? await cannon(job, bodies, { duration: job.warmupS }) : undefined;
  const latencies = new Latencies();
  const result = await cannon(job, bodies, { duration: job.durationS }, latencies);
  return summarize([result], latencies, { warmupAccepted: warmup?.["2xx"] ?? 0, poolWraps: bodies.wrapped });
}

async function runRate(job) {
  const bodies = rotation(job);
  const warmup = job.warmupS > 0 ? await cannon(job, bodies, { duration: job.warmupS, overallRate: job.rate }) : undefined;
  const latencies = new Latencies();
  const result = await cannon(job, bodies, { duration: job.durationS, overallRate: job.rate }, latencies);
  return summarize([result], latencies, {
    warmupAccepted: warmup?.["2xx"] ?? 0,
    autocannonLatencyMs: { p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max },
  });
}

/** `amount` requests at full speed, in chunks of one pool each, re-signed before each chunk. */
async function runAmount(job) {
  const bodies = rotation(job);
  const latencies = new Latencies();
  const results = [];
  const chunks = [];
  for (let done = 0; done < job.amount; done += job.poolSize) {
    if (done > 0) bodies.renew();
    const amount = Math.min(job.poolSize, job.amount - done);
    const result = await cannon(job, bodies, { amount }, latencies);
    results.push(result);
    chunks.push({ at: Date.now(), sent: done + amount, perS: Math.round(result["2xx"] / result.duration) });
    process.send?.({ type: "progress", sent: done + amount });
  }
  return summarize(results, latencies, { chunks });
}

/** Open-loop pacing on node:http (see the header). */
async function runPaced(job) {
  const target = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const bodies = rotation(job);

  const phase = (seconds, latencies) =>
    new Promise((resolve) => {
      const total = Math.round(job.rate * seconds);
      const statusCodes = {};
      let sent = 0;
      let done = 0;
      let errors = 0;
      let lateMs = 0;
      const started = performance.now();
      const finish = () => {
        if (++done === total) resolve({ sent, statusCodes, errors, durationS: (performance.now() - started) / 1000, lateMs });
      };
      const send = (scheduled) => {
        const entry = bodies.take();
        const issued = performance.now();
        lateMs = Math.max(lateMs, issued - scheduled);
        const req = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: job.path,
            method: "POST",
            agent,
            headers: { ...entry.headers, "content-length": entry.body.length },
          },
          (response) => {
            response.resume();
            response.on("end", () => {
              const status = response.statusCode;
              statusCodes[status] = (statusCodes[status] ?? 0) + 1;
              if (latencies && status >= 200 && status < 300) latencies.record(performance.now() - issued);
              finish();
            });
          },
        );
        req.on("error", () => {
          errors += 1;
          finish();
        });
        req.end(entry.body);
      };
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * job.rate));
        while (sent < due) send(started + (sent++ * 1000) / job.rate);
        if (sent < total) setTimeout(tick, 1);
      };
      tick();
    });

  const ok = (statusCodes) => Object.entries(statusCodes).reduce((n, [code, count]) => (code.startsWith("2") ? n + count : n), 0);
  const warmup = job.warmupS > 0 ? await phase(job.warmupS) : undefined;
  const latencies = new Latencies();
  const result = await phase(job.durationS, latencies);
  agent.destroy();
  const accepted = ok(result.statusCodes);
  return {
    warmupAccepted: warmup ? ok(warmup.statusCodes) : 0,
    durationS: round(result.durationS),
    sent: result.sent,
    accepted,
    acceptedPerS: Math.round(accepted / result.durationS),
    non2xx: result.sent - accepted - result.errors,
    errors: result.errors,
    timeouts: 0,
    statusCodes: result.statusCodes,
    latencyMs: latencies.summary(),
    generatorMaxLateMs: round(result.lateMs),
  };
}

const MODES = { max: runMax, rate: runRate, amount: runAmount, paced: runPaced };

process.on("message", (message) => {
  if (message.type === "exit") process.exit(0);
  if (message.type !== "run") return;
  const job = message.job;
  MODES[job.mode](job).then(
    (result) => process.send({ type: "result", result }),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
