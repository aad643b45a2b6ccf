import { Writable } from "node:stream";
import pino from "pino";
import { loadEnv } from "../../src/config/env.js";
import { loadRoutes } from "../../src/config/load-routes.js";
import { startRouter, type RunningRouter } from "../../src/main.js";
import { AMQP_URL } from "./rabbit.js";

/** The secrets the example routes read, as a test environment. */
export const EXAMPLE_SECRETS = {
  TRACKTILE_WEBHOOK_SECRET: "test-tracktile-secret",
  TRACKTIK_WEBHOOK_SECRET: "test-tracktik-secret",
  TRACKVIA_WEBHOOK_SECRET: "test-trackvia-secret",
} as const;

export interface TestRouter extends RunningRouter {
  readonly url: string;
  /** Every log line the router wrote, parsed. */
  readonly logs: Array<Record<string, unknown>>;
}

/** Starts the real router in-process on a free loopback port, with the given env on top of defaults. */
export async function startTestRouter(env: Record<string, string>, options: { waitUntilReady?: boolean } = {}): Promise<TestRouter> {
  const merged = { PORT: "0", HOST: "127.0.0.1", AMQP_URL, ROUTES_DIR: "routes", ...EXAMPLE_SECRETS, ...env };
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: "debug" }, destination);
  const router = await startRouter({ env: loadEnv(merged), table: loadRoutes(merged.ROUTES_DIR, merged), logger });
  const url = `http://127.0.0.1:${router.port}`;
  if (options.waitUntilReady ?? true) await untilReady(url);
  return { ...router, close: () => router.close(), url, logs };
}

async function untilReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await fetch(`${url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`router at ${url} did not become ready`);
}

/** The last log line about a webhook request (skipping broker and lifecycle lines). */
export function lastRequestLog(router: TestRouter): Record<string, unknown> | undefined {
  return router.logs.findLast((line) => typeof line.status === "number");
}
