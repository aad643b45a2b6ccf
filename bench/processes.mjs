// Child processes under test (the router, the reference server) and the load generator: start,
// wait until ready, stop. Only processes started here are ever signalled.
import { fork, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, "..");
export const ROUTER_MAIN = join(ROOT, "dist", "cli", "main.js");

/** What the example routes read from the environment; every destination points at loopback. */
export const EXAMPLE_SECRETS = {
  TRACKTILE_WEBHOOK_SECRET: "bench-tracktile-secret",
  TRACKTIK_WEBHOOK_SECRET: "bench-tracktik-secret",
  TRACKVIA_WEBHOOK_SECRET: "bench-trackvia-secret",
  ERP_WEBHOOK_SECRET: "bench-erp-secret",
  TRACKTILE_API_USER: "integration@bench.example",
  TRACKTILE_API_URL: "http://127.0.0.1:9",
  TRACKTILE_API_TOKEN: "bench-api-token",
  QBO_BASE_URL: "http://127.0.0.1:9",
  QBO_TOKEN_URL: "http://127.0.0.1:9/oauth2/v1/tokens/bearer",
  QBO_REALM_ID: "9130350000000001",
  QBO_CLIENT_ID: "bench-qbo-client",
  QBO_CLIENT_SECRET: "bench-qbo-secret",
  QBO_REFRESH_TOKEN: "bench-qbo-refresh",
  ODOO_URL: "http://127.0.0.1:9",
  ODOO_DB: "odoo",
  ODOO_LOGIN: "api@example.com",
  ODOO_API_KEY: "bench-odoo-key",
  SHIPBOB_BASE_URL: "http://127.0.0.1:9",
  SHIPBOB_TOKEN: "bench-shipbob-token",
  SHIPBOB_CHANNEL_ID: "101",
  // bench/routes' http destination; a worker scenario points it at its sink.
  BENCH_SINK_URL: "http://127.0.0.1:9",
};

/**
 * The router's Node options as `npm start` and the Dockerfile set them (package.json): the bench
 * measures the product as shipped. `BENCH_ROUTER_NODE_OPTIONS` replaces them (say, "" for V8's
 * defaults, to see what the heap ceiling buys).
 */
export const ROUTER_NODE_OPTIONS = process.env.BENCH_ROUTER_NODE_OPTIONS ?? "--max-old-space-size=512";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A clean environment: nothing inherited but PATH and HOME, so no stray LOG_LEVEL or DATABASE_URL. */
function baseEnv() {
  const env = {};
  for (const name of ["PATH", "HOME", "LANG", "TZ"]) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

async function untilReady(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

/**
 * A server under test as a child process, stdout and stderr to a log file in its own temp dir
 * (removed on stop unless `keepDir`). `stop()` sends SIGTERM and waits; SIGKILL after `killAfterMs`.
 */
class ServerProcess {
  constructor({ name, args, env, logFile, dir, url }) {
    this.name = name;
    this.url = url;
    this.dir = dir;
    this.logFile = logFile;
    const fd = openSync(logFile, "a");
    this.child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    this.pid = this.child.pid;
    this.exited = once(this.child, "exit");
  }

  async ready() {
    await untilReady(this.url, this.child);
    return this;
  }

  log() {
    try {
      return readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  async stop({ killAfterMs = 20_000, keepDir = false } = {}) {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), killAfterMs);
      await this.exited;
      clearTimeout(timer);
    }
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
    return { code: this.child.exitCode, signal: this.child.signalCode };
  }
}

/**
 * Starts `node dist/cli/main.js start --role <role>` with the bench's environment: its own
 * DATA_DIR, exchange and queue prefix, the example secrets, every destination on loopback.
 * ENV_FILE names an empty file: ENV_FILE="" now reads no file, but in older commits (which the
 * bench also measures) it fell back to ./.env.
 */
export async function startRouter({
  role,
  routesDir,
  exchange,
  queuePrefix,
  amqpUrl,
  logLevel = "info",
  nodeArgs = [],
  env = {},
  name = `router-${role}`,
}) {
  const dir = mkdtempSync(join(tmpdir(), "wr-bench-"));
  const envFile = join(dir, "empty.env");
  writeFileSync(envFile, "");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ServerProcess({
    name,
    url,
    dir,
    logFile: join(dir, "router.log"),
    args: [...nodeArgs, ROUTER_MAIN, "start", "--role", role],
    env: {
      ...baseEnv(),
      ...EXAMPLE_SECRETS,
      PORT: String(port),
      HOST: "127.0.0.1",
      AMQP_URL: amqpUrl,
      AMQP_EXCHANGE: exchange,
      QUEUE_PREFIX: queuePrefix,
      ROUTES_DIR: routesDir,
      DATA_DIR: join(dir, "data"),
      LOG_LEVEL: logLevel,
      ENV_FILE: envFile,
      NODE_OPTIONS: ROUTER_NODE_OPTIONS,
      ...env,
    },
  });
  return server.ready();
}

/** Starts bench/reference-server.mjs on the same exchange and secret. */
export async function startReference({ exchange, amqpUrl, nodeArgs = [] }) {
  const dir = mkdtempSync(join(tmpdir(), "wr-bench-ref-"));
  const port = await freePort();
  const server = new ServerProcess({
    name: "reference",
    url: `http://127.0.0.1:${port}`,
    dir,
    logFile: join(dir, "reference.log"),
    args: [...nodeArgs, join(BENCH_DIR, "reference-server.mjs")],
    env: {
      ...baseEnv(),
      PORT: String(port),
      HOST: "127.0.0.1",
      AMQP_URL: amqpUrl,
      AMQP_EXCHANGE: exchange,
      TRACKTILE_WEBHOOK_SECRET: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET,
    },
  });
  return server.ready();
}

/**
 * The load generator (bench/load.mjs) in its own process. `run(job, { timeoutMs, onProgress })`
 * resolves with its result; past `timeoutMs` the generator is killed, the run rejects, and the
 * next run starts a new generator.
 */
export function startLoad() {
  let child;
  let exited;
  const spawnChild = () => {
    child = fork(join(BENCH_DIR, "load.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
    exited = once(child, "exit");
  };
  const alive = () => child && child.exitCode === null && child.signalCode === null;
  spawnChild();
  return {
    get pid() {
      return child?.pid;
    },
    run(job, { timeoutMs, onProgress } = {}) {
      if (!alive()) spawnChild();
      const current = child;
      return new Promise((resolve, reject) => {
        const timer = timeoutMs
          ? setTimeout(() => {
              current.kill("SIGKILL");
              reject(new Error(`load generator did not finish within ${Math.round(timeoutMs / 1000)} s`));
            }, timeoutMs)
          : undefined;
        const done = () => {
          clearTimeout(timer);
          current.off("message", onMessage);
          current.off("exit", onExit);
        };
        const onMessage = (message) => {
          if (message.type === "progress") return onProgress?.(message);
          done();
          if (message.type === "result") resolve(message.result);
          else reject(new Error(`load generator: ${message.error}`));
        };
        const onExit = (code, signal) => {
          done();
          reject(new Error(`load generator exited (${code ?? signal})`));
        };
        current.on("message", onMessage);
        current.once("exit", onExit);
        current.send({ type: "run", job });
      });
    },
    async close() {
      if (!alive()) return;
      child.send({ type: "exit" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
