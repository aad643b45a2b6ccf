#!/usr/bin/env node
// Fault harness: does a 202 really mean "will reach RabbitMQ"? Drives signed Tracktile webhooks
// through the built router (a child process) while a TCP proxy between it and RabbitMQ cuts,
// refuses, stalls or slows the link, or the router is SIGKILLed; then checks every accepted id
// arrived.
//
// Run (RabbitMQ on 127.0.0.1:5672, about 2 minutes):
//   npm run build && node bench/fault-harness.mjs
// Options (environment): AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), RATE (requests/s,
// default 200), SCENARIOS (comma-separated names, default all).
// Prints one line per scenario: accepted (2xx), delivered (distinct accepted ids seen on the
// queue), lost (accepted, never seen: must be 0), duplicated (extra copies), p99 of the 2xx
// latencies, and how many requests were not accepted (503s, refused connections). Exits 1 if
// anything was lost. Plain JavaScript on purpose: Node 20 runs it without a TypeScript step.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqplib from "amqplib";
import { percentile, sendSignedOrder } from "./lib/signed-load.mjs";
import { TcpProxy } from "./lib/tcp-proxy.mjs";

const AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const RATE = Number(process.env.RATE || 200);
const SENDERS = 16;
const SECRET = "fault-harness-secret";
const PUBLISH_TIMEOUT_MS = 300;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each scenario drives the load and the faults; `at` schedules fault steps from the load's start. */
const SCENARIOS = {
  "link cut 10 s mid-load": async ({ proxy, router, load }) => {
    await router.start();
    await load(16_000, [
      [3_000, () => proxy.cut()],
      [13_000, () => proxy.restore()],
    ]);
  },
  "broker refused at start-up": async ({ proxy, router, load }) => {
    proxy.cut();
    await router.start();
    await load(8_000, [[4_000, () => proxy.restore()]]);
  },
  "router SIGKILL mid-load, restarted": async ({ router, load }) => {
    await router.start();
    await load(8_000, [
      [3_000, () => router.kill("SIGKILL")],
      [4_000, () => router.start()],
    ]);
  },
  "SIGKILL while spooling, restarted": async ({ proxy, router, load }) => {
    await router.start();
    await load(10_000, [
      [2_000, () => proxy.cut()],
      [4_000, () => router.kill("SIGKILL")],
      [5_000, () => router.start()],
      [7_000, () => proxy.restore()],
    ]);
  },
  "broker hung 5 s (link open, silent)": async ({ proxy, router, load }) => {
    await router.start();
    await load(10_000, [
      [2_000, () => proxy.pause()],
      [7_000, () => proxy.resume()],
    ]);
  },
  [`slow broker (confirms +800 ms > ${PUBLISH_TIMEOUT_MS} ms)`]: async ({ proxy, router, load }) => {
    await router.start();
    await load(8_000, [
      [1_000, () => proxy.delay(800)],
      [6_000, () => proxy.delay(0)],
    ]);
  },
};

async function main() {
  const routesDir = mkdtempSync(join(tmpdir(), "fault-harness-routes-"));
  writeFileSync(
    join(routesDir, "sources.yaml"),
    [
      "sources:",
      "  tracktile:",
      '    verify: { preset: tracktile, secrets: [ "${TRACKTILE_WEBHOOK_SECRET}" ] }',
      "    event: { type: [body:kind, url], id: body:id, subject: body:orderId }",
      "",
    ].join("\n"),
  );
  const only = process.env.SCENARIOS?.split(",").map((name) => name.trim());
  const rows = [];
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (only && !only.some((wanted) => name.startsWith(wanted))) continue;
      process.stderr.write(`running: ${name}\n`);
      rows.push({ name, ...(await runScenario(scenario, routesDir)) });
    }
  } finally {
    rmSync(routesDir, { recursive: true, force: true });
  }
  printTable(rows);
  process.exitCode = rows.some((row) => row.lost > 0) ? 1 : 0;
}

async function runScenario(scenario, routesDir) {
  const exchange = `bench.faults.${randomUUID()}`;
  const dataDir = mkdtempSync(join(tmpdir(), "fault-harness-data-"));
  const proxy = new TcpProxy(brokerAddress(AMQP_URL));
  await proxy.start();
  const queue = await consume(exchange);
  const router = routerProcess({
    AMQP_URL: proxy.url(AMQP_URL),
    AMQP_EXCHANGE: exchange,
    DATA_DIR: dataDir,
    ROUTES_DIR: routesDir,
    PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
  });
  const results = { accepted: new Set(), latencies: [], notAccepted: 0 };
  try {
    await scenario({ proxy, router, load: (ms, steps) => load(router, ms, steps, results) });
    proxy.restore();
    proxy.resume();
    proxy.delay(0);
    await waitFor(() => [...results.accepted].every((id) => queue.counts.has(id)), 30_000);
    await sleep(500); // late duplicates
  } finally {
    await router.kill("SIGTERM");
    await queue.close();
    await proxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const delivered = [...results.accepted].filter((id) => queue.counts.has(id)).length;
  const duplicated = [...results.accepted].reduce((sum, id) => sum + Math.max(0, (queue.counts.get(id) ?? 0) - 1), 0);
  return {
    accepted: results.accepted.size,
    delivered,
    lost: results.accepted.size - delivered,
    duplicated,
    p99: percentile(results.latencies, 0.99),
    notAccepted: results.notAccepted,
  };
}

/** SENDERS concurrent senders sharing RATE requests/s for `ms`, running `steps` on schedule. */
async function load(router, ms, steps, results) {
  const started = Date.now();
  const schedule = steps.map(async ([at, step]) => {
    await sleep(at - (Date.now() - started));
    await step();
  });
  const interval = (1000 * SENDERS) / RATE;
  const senders = Array.from({ length: SENDERS }, async (_, sender) => {
    for (let n = 0; Date.now() - started < ms; n += 1) {
      const due = started + n * interval + (sender * interval) / SENDERS;
      if (due > Date.now()) await sleep(due - Date.now());
      const id = `evt_${sender}_${n}_${randomUUID().slice(0, 8)}`;
      const t0 = performance.now();
      const status = router.url ? await sendSignedOrder(router.url, id, SECRET, 10_000).catch(() => 0) : 0;
      if (status >= 200 && status < 300) {
        results.accepted.add(id);
        results.latencies.push(performance.now() - t0);
      } else {
        results.notAccepted += 1;
      }
    }
  });
  await Promise.all([...senders, ...schedule]);
}

/** The built router as a child process; `start` again after `kill` reuses the same DATA_DIR. */
function routerProcess(env) {
  let child;
  const router = {
    url: undefined,
    async start() {
      child = spawn(process.execPath, ["dist/cli/main.js", "start"], {
        env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ENV_FILE: "", TRACKTILE_WEBHOOK_SECRET: SECRET, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const port = await new Promise((resolve, reject) => {
        let buffered = "";
        child.stdout.on("data", (chunk) => {
          if (buffered === undefined) return; // keep draining the pipe, stop keeping it
          buffered += chunk;
          const match = /"port":(\d+)/.exec(buffered);
          if (match) {
            buffered = undefined;
            resolve(Number(match[1]));
          }
        });
        child.once("exit", (code) => reject(new Error(`router exited (${code}) before listening`)));
      });
      router.url = `http://127.0.0.1:${port}`;
    },
    async kill(signal) {
      router.url = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill(signal);
      await exited;
    },
  };
  return router;
}

/** A queue bound to the scenario's exchange, counting copies per message id. */
async function consume(exchange) {
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  await channel.bindQueue(queue, exchange, "#");
  const counts = new Map();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const id = message.properties.messageId;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    { noAck: true },
  );
  return {
    counts,
    async close() {
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

function brokerAddress(url) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5672) };
}

async function waitFor(check, ms) {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await sleep(100);
}

function printTable(rows) {
  const header = ["scenario", "accepted(2xx)", "delivered", "lost", "duplicated", "p99 ms", "not accepted"];
  const lines = rows.map((row) => [row.name, row.accepted, row.delivered, row.lost, row.duplicated, row.p99.toFixed(1), row.notAccepted]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => String(line[column]).length)));
  const format = (cells) =>
    cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

await main();
