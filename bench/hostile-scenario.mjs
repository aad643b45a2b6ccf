// Scenario `hostile`: thousands of connections upload 1 MiB bodies slowly with a junk (but
// well-formed) signature, while one honest sender posts signed 1 KiB events on a connection of
// its own. What it shows: the router's memory stays bounded (UNVERIFIED_BYTES_MAX, refusals from
// the headers, REQUEST_TIMEOUT_MS) and the honest sender still gets its 202s.
import { fork } from "node:child_process";
import { once } from "node:events";
import { Agent, request as httpRequest } from "node:http";
import { join } from "node:path";
import { CpuMeter } from "./meters.mjs";
import { BROKER_PID, complaints, fmt } from "./observe.mjs";
import { signedPool } from "./payloads.mjs";
import { BENCH_DIR, EXAMPLE_SECRETS, sleep, startRouter } from "./processes.mjs";
import { freshRouteQueues, ingressPrefix, ROUTES_DIR, WEBHOOK_PATH } from "./route-queues.mjs";

const positive = (name, fallback) => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

export async function runHostile(ctx) {
  const { config, broker } = ctx;
  const job = {
    path: WEBHOOK_PATH,
    connections: positive("BENCH_HOSTILE_CONNECTIONS", 2000),
    bodyBytes: 1024 * 1024,
    chunkBytes: 64 * 1024,
    chunkEveryMs: 100,
    pauseMs: 1000,
    rampMs: 2000,
    durationS: config.durationS,
  };
  const exchange = await broker.exchange(`wr-bench.${config.runId}.ingress`);
  await freshRouteQueues({ broker, exchange, prefix: ingressPrefix(config.runId) });
  const start = () =>
    startRouter({
      role: "ingress",
      routesDir: ROUTES_DIR,
      exchange,
      queuePrefix: ingressPrefix(config.runId),
      amqpUrl: config.amqpUrl,
      logLevel: config.logLevel,
    });
  return ctx.with(start, async (server, rss) => {
    await sleep(500);
    rss.mark("start");
    const loadStarted = Date.now();
    const cpu = new CpuMeter({ server: server.pid, broker: BROKER_PID });
    const hostile = fork(join(BENCH_DIR, "hostile-load.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
    const exited = once(hostile, "exit");
    const openNow = [];
    const hostileResult = new Promise((resolve, reject) => {
      hostile.on("message", (message) => {
        if (message.type === "progress") openNow.push(message.open);
        else if (message.type === "result") resolve(message.result);
        else reject(new Error(`hostile clients: ${message.error}`));
      });
      hostile.once("exit", (code) => reject(new Error(`hostile clients exited (${code})`)));
    });
    hostile.send({ type: "run", job: { ...job, port: Number(new URL(server.url).port) } });
    // The honest sender starts once the crowd has arrived, and stops before it leaves.
    await sleep(job.rampMs + 1000);
    const honest = await signedSender(server.url, config, (job.durationS - 2) * 1000);
    let crowd;
    try {
      crowd = await hostileResult;
    } finally {
      hostile.send({ type: "exit" });
      await exited;
    }
    rss.mark("end");
    await sleep(3000);
    rss.mark("after3sIdle");
    const summary = {
      hostile: crowd,
      honest,
      hostileOpenBySecond: openNow,
      cpu: cpu.stop(),
      rssMiB: { start: rss.marks.start, peak: rss.peak, end: rss.marks.end, after3sIdle: rss.marks.after3sIdle },
      warningsLogged: complaints(server.log(), loadStarted),
    };
    ctx.log(
      `${fmt(job.connections)} hostile connections (${fmt(crowd.opened)} opened in all, at most ${fmt(crowd.maxOpen)} at once; told ${JSON.stringify(crowd.statuses)}, ` +
        `${fmt(crowd.resetsBeforeAnswer)} reset before an answer, ${fmt(crowd.completeBodies)} bodies sent whole)`,
    );
    ctx.log(
      `honest sender: ${fmt(honest.accepted)} of ${fmt(honest.sent)} accepted (202), others ${JSON.stringify(honest.other)}; ` +
        `latency p50 ${fmt(honest.latencyMs.p50)} p99 ${fmt(honest.latencyMs.p99)} max ${fmt(honest.latencyMs.max)} ms`,
    );
    ctx.log(
      `router RSS: start ${fmt(summary.rssMiB.start)}, peak ${fmt(summary.rssMiB.peak)}, end ${fmt(summary.rssMiB.end)}, after 3 s idle ${fmt(summary.rssMiB.after3sIdle)} MiB`,
    );
    return summary;
  });
}

/** One connection, one signed 1 KiB request at a time, every 50 ms, for `forMs`. */
async function signedSender(url, config, forMs) {
  const pool = signedPool({ count: 2000, size: 1024, secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET, runId: `${config.runId}honest` });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  const other = {};
  let accepted = 0;
  let sent = 0;
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    const { body, headers } = pool[sent % pool.length];
    const started = performance.now();
    const status = await new Promise((resolve) => {
      const req = httpRequest(
        `${url}${WEBHOOK_PATH}`,
        { method: "POST", agent, headers: { ...headers, "content-length": body.length }, timeout: 30_000 },
        (res) => {
          res.resume();
          res.on("end", () => resolve(String(res.statusCode)));
        },
      );
      req.on("error", (error) => resolve(error.code ?? "error"));
      req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
      req.end(body);
    });
    sent += 1;
    latencies.push(performance.now() - started);
    if (status === "202") accepted += 1;
    else other[status] = (other[status] ?? 0) + 1;
    await sleep(50);
  }
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] * 100) / 100 : null;
  return { sent, accepted, other, latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) } };
}
