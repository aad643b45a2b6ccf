import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRoutes } from "../../src/config/load-routes.js";
import { startRouterProcess, type RouterProcess } from "./router-process.js";
import { deleteRouteQueues } from "./router.js";
import { APP_SOURCE } from "./worker-setup.js";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Log lines of one process with this message. */
export const count = (process: RouterProcess, msg: string) => process.logs.filter((line) => line.msg === msg).length;

/** The state store both processes share: one SQLite DATA_DIR, or PostgreSQL (each its own DATA_DIR: the spool is per process). */
export type SharedStore = (shared: string) => Record<string, string> & { DATA_DIR: string };
export const SHARED_STORES: ReadonlyArray<readonly [string, SharedStore]> = [
  ["one SQLite DATA_DIR", (shared) => ({ DATA_DIR: shared })],
  ["PostgreSQL (DATABASE_URL)", () => ({ DATA_DIR: tempDir("wr-data-"), DATABASE_URL: POSTGRES_URL })],
];

export interface WorkerPair {
  /** `[0]` takes the webhooks too (`--role all`), `[1]` only works (`--role worker`); both consume the route queues. */
  readonly workers: readonly [RouterProcess, RouterProcess];
  /** The state store's variables (DATA_DIR, DATABASE_URL), for the CLI. */
  readonly storeEnv: Record<string, string>;
  /** Posts JSON to the `app` source of the first process. */
  post(body: unknown): Promise<Response>;
  /** Kills both processes and deletes the route queues. */
  close(): Promise<void>;
}

/**
 * Two router processes on one state store, one exchange and one set of route queues, as on two
 * worker machines: `routesYaml` plus the `app` source, and `env` on top of the test defaults.
 * Resolves once both consume, so neither takes every message before the other starts.
 */
export async function startWorkerPair(routesYaml: string, store: SharedStore, env: Record<string, string> = {}): Promise<WorkerPair> {
  const routesDir = tempDir("wr-routes-");
  writeFileSync(join(routesDir, "app.yaml"), APP_SOURCE);
  writeFileSync(join(routesDir, "routes.yaml"), routesYaml);
  const common = {
    ROUTES_DIR: routesDir,
    AMQP_EXCHANGE: `test.events.${randomUUID()}`,
    QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
    LOG_LEVEL: "info",
    CLAIM_LEASE_MARGIN: "1s",
    ...env,
  };
  const shared = tempDir("wr-data-");
  const storeEnv = store(shared);
  const started: RouterProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((process) => process.kill("SIGKILL")));
    await deleteRouteQueues(common.QUEUE_PREFIX, loadRoutes(routesDir, {}));
  };
  try {
    started.push(await startRouterProcess({ ...common, ...storeEnv }, { role: "all" }));
    started.push(await startRouterProcess({ ...common, ...store(shared) }, { role: "worker" }));
    for (const worker of started) await untilReady(worker);
  } catch (error) {
    await close();
    throw error;
  }
  const workers = started as unknown as readonly [RouterProcess, RouterProcess];
  return {
    workers,
    storeEnv,
    post: (body) => fetch(`${workers[0].url}/webhooks/app`, { method: "POST", headers: { "x-token": "app-secret" }, body: JSON.stringify(body) }),
    close,
  };
}

/** A worker-only process is ready once it consumes. */
async function untilReady(worker: RouterProcess): Promise<void> {
  for (let attempt = 0; attempt < 200 && (await fetch(`${worker.url}/readyz`)).status !== 200; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The admin API's port, from the process's start-up log (ADMIN_PORT=0). */
export function adminUrl(process: RouterProcess): string {
  const line = process.logs.find((entry) => entry.msg === "admin API listening");
  if (typeof line?.adminPort !== "number") throw new Error("no admin API in this process (ADMIN_PORT)");
  return `http://127.0.0.1:${line.adminPort}`;
}
