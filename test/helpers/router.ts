import { Writable } from "node:stream";
import pino from "pino";
import { loadEnv } from "../../src/env.js";
import { loadRoutes } from "../../src/config/load-routes.js";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqplib from "amqplib";
import { retryAttempts, routeQueues } from "../../src/broker/route-topology.js";
import type { RoutingTable } from "../../src/config/load-routes.js";
import { startRouter, type Role, type RunningRouter } from "../../src/main.js";
import { AMQP_URL } from "./rabbit.js";

/**
 * What the example routes read from the environment, for tests. Every destination points at a
 * loopback port nothing listens on, so no test can ever call a real API.
 */
export const EXAMPLE_SECRETS = {
  TRACKTILE_WEBHOOK_SECRET: "test-tracktile-secret",
  TRACKTIK_WEBHOOK_SECRET: "test-tracktik-secret",
  TRACKVIA_WEBHOOK_SECRET: "test-trackvia-secret",
  ERP_WEBHOOK_SECRET: "test-erp-secret",
  TRACKTILE_API_USER: "integration@test.example",
  TRACKTILE_API_URL: "http://127.0.0.1:9",
  TRACKTILE_API_TOKEN: "api-test-token",
  // The shipped products poll would call TRACKTILE_API_URL at every start; tests of it turn it on.
  TRACKTILE_PRODUCTS_POLL: "off",
  QBO_BASE_URL: "http://127.0.0.1:9",
  QBO_TOKEN_URL: "http://127.0.0.1:9/oauth2/v1/tokens/bearer",
  QBO_REALM_ID: "9130350000000001",
  QBO_CLIENT_ID: "qbo-client",
  QBO_CLIENT_SECRET: "qbo-client-secret",
  QBO_REFRESH_TOKEN: "qbo-refresh-initial",
  ODOO_URL: "http://127.0.0.1:9",
  ODOO_DB: "odoo",
  ODOO_LOGIN: "api@example.com",
  ODOO_API_KEY: "odoo-api-key-secret",
  SHIPBOB_BASE_URL: "http://127.0.0.1:9",
  SHIPBOB_TOKEN: "shipbob-token-secret",
  SHIPBOB_CHANNEL_ID: "101",
} as const;

export interface TestRouter extends RunningRouter {
  readonly url: string;
  /** Every log line the router wrote, parsed. */
  readonly logs: Array<Record<string, unknown>>;
}

export interface TestRouterOptions {
  /** @defaultValue true */
  readonly waitUntilReady?: boolean;
  /** @defaultValue "ingress": ingress tests need no deliveries */
  readonly role?: Role;
}

/**
 * Starts the real router in-process on a free loopback port, with the given env on top of
 * defaults: its own queue prefix (queues deleted on close) and DATA_DIR.
 */
export async function startTestRouter(env: Record<string, string>, options: TestRouterOptions = {}): Promise<TestRouter> {
  const merged = {
    PORT: "0",
    HOST: "127.0.0.1",
    AMQP_URL,
    ROUTES_DIR: "routes",
    QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
    ADMIN_PORT: "off",
    DATA_DIR: mkdtempSync(join(tmpdir(), "wr-data-")),
    ...EXAMPLE_SECRETS,
    ...env,
  };
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: "debug" }, destination);
  const table = loadRoutes(merged.ROUTES_DIR, merged);
  const router = await startRouter({ env: loadEnv(merged), table, logger, role: options.role ?? "ingress" });
  const url = `http://127.0.0.1:${router.port}`;
  if (options.waitUntilReady ?? true) await untilConnected(url);
  const close = async () => {
    await router.close();
    await deleteRouteQueues(merged.QUEUE_PREFIX, table);
  };
  return { ...router, close, url, logs };
}

/**
 * Until the router is ready AND connected to the broker (publishing directly, workers consuming):
 * ready alone may mean "spooling", and a test that closes a router whose topology is still being
 * declared races the broker.
 */
async function untilConnected(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await fetch(`${url}/readyz`);
    const body = (await response.json()) as { events?: string; workers?: string };
    // `spool_error` stays after a damaged spool was salvaged, even once publishing directly.
    const publishing = body.events === undefined || body.events === "broker" || body.events === "spool_error";
    const connected = publishing && body.workers !== "disconnected";
    if (response.status === 200 && connected) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`router at ${url} did not connect to the broker`);
}

/** The last log line about a webhook request (skipping broker and lifecycle lines). */
export function lastRequestLog(router: TestRouter): Record<string, unknown> | undefined {
  return router.logs.findLast((line) => typeof line.status === "number");
}

/** Deletes the queues a router declared for the table's routes, so tests leave the broker clean. */
export async function deleteRouteQueues(prefix: string, table: RoutingTable): Promise<void> {
  if (table.routes.size === 0) return;
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const route of table.routes.values()) {
    const queues = routeQueues(prefix, route.id);
    const names = [queues.main, queues.dead, queues.busy];
    for (let attempt = 2; attempt <= retryAttempts(route); attempt += 1) names.push(queues.retry(attempt));
    for (const name of names) await channel.deleteQueue(name).catch(() => {});
  }
  await connection.close().catch(() => {});
}
