import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqplib, { type GetMessage } from "amqplib";
import { AMQP_URL } from "./rabbit.js";
import { startTestRouter, type TestRouter } from "./router.js";

/** A header-token source `app` for worker tests: `POST /webhooks/app` with `x-token: app-secret`, name from body `kind`. */
export const APP_SOURCE = `
sources:
  app:
    verify: { preset: header-token, header: x-token, secret: app-secret }
    event: { type: [body:kind, url], id: [body:id, hash] }
`;

export interface WorkerHarness {
  readonly router: TestRouter;
  readonly exchange: string;
  readonly prefix: string;
  readonly dataDir: string;
  readonly routesDir: string;
  /** Posts JSON to the `app` source. */
  post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Publishes raw bytes straight to the exchange (for poison messages). */
  publishRaw(routingKey: string, content: Buffer, messageId?: string): Promise<void>;
  /** Waits for the next message in `queue` (e.g. the route's dead-letter queue). */
  nextIn(queue: string, ms?: number): Promise<GetMessage>;
  close(): Promise<void>;
}

/**
 * Writes `yaml` (plus the `app` source) into a fresh routes folder and starts the router with all
 * roles, its own exchange, queue prefix and DATA_DIR, so test files never share queues.
 */
export async function startWorkerHarness(yaml: string, env: Record<string, string> = {}): Promise<WorkerHarness> {
  const routesDir = mkdtempSync(join(tmpdir(), "wr-routes-"));
  writeFileSync(join(routesDir, "app.yaml"), APP_SOURCE);
  writeFileSync(join(routesDir, "routes.yaml"), yaml);
  const dataDir = mkdtempSync(join(tmpdir(), "wr-data-"));
  const exchange = `test.events.${randomUUID()}`;
  const prefix = `test.${randomUUID().slice(0, 8)}.`;
  const router = await startTestRouter(
    { ROUTES_DIR: routesDir, AMQP_EXCHANGE: exchange, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, ...env },
    { role: "all" },
  );
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  return {
    router,
    exchange,
    prefix,
    dataDir,
    routesDir,
    async post(body) {
      const response = await fetch(`${router.url}/webhooks/app`, {
        method: "POST",
        headers: { "x-token": "app-secret" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    publishRaw(routingKey, content, messageId) {
      return new Promise((resolve, reject) =>
        channel.publish(exchange, routingKey, content, { persistent: true, ...(messageId ? { messageId } : {}) }, (error: unknown) =>
          error ? reject(error) : resolve(),
        ),
      );
    },
    async nextIn(queue, ms = 5000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const message = await channel.get(queue, { noAck: true });
        if (message) return message;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`no message in ${queue} within ${ms} ms`);
    },
    async close() {
      await router.close(); // deletes the routes' queues too
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

/** Polls `check` every 20 ms until it is true, or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The routing table most worker tests need: one route `to-sink` taking every `app` event to an
 * `http` destination `sink` at `{sinkUrl}/in`, retrying twice within a second.
 */
export function routeToSink(sinkUrl: string, baseDelay = "50ms"): string {
  return `
destinations:
  sink: { kind: http, url: "${sinkUrl}/in" }
routes:
  to-sink:
    events: app.#
    destination: sink
    retry: { attempts: 2, baseDelay: ${baseDelay}, maxDelay: 1s, jitter: 0 }
`;
}
