import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsumeMessage } from "amqplib";
import { expect } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { createSigner } from "../../../src/verify/index.js";
import { AMQP_URL, tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { EXAMPLE_SECRETS, startTestRouter, type TestRouter } from "../../helpers/router.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

/** The spool tests' own sources (no routes): the ingress alone, independent of the example routes. */
export const ROUTES_DIR = "test/integration/spool/routes";
const sources = loadRoutes(ROUTES_DIR, EXAMPLE_SECRETS).sources;

export interface PostResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/**
 * A POST signed as the source's real sender signs it. (Not helpers/post.ts: that one loads the
 * example routes, whose destinations need credentials these tests have no use for.)
 */
export async function postSigned(url: string, sourceId: string, body: string, event?: string): Promise<PostResult> {
  const source = sources.get(sourceId);
  if (!source) throw new Error(`no source ${sourceId} in ${ROUTES_DIR}`);
  const headers = createSigner(source.verify).sign(Buffer.from(body), Date.now());
  const path = `/webhooks/${sourceId}${event ? `/${event}` : ""}`;
  const answer = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await answer.text();
  return { status: answer.status, headers: answer.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Two senders, so order can be checked per source. */
export const SOURCES = ["tracktile", "trackvia"] as const;
export type SourceId = (typeof SOURCES)[number];

/** A signed event from `source` carrying its own sequence number `n` (and a run-unique id). */
export function sendEvent(url: string, source: SourceId, run: string, n: number): Promise<PostResult> {
  const id = `${run}-${source}-${n}`;
  if (source === "tracktile") {
    return postSigned(url, "tracktile", JSON.stringify({ id, kind: "order.status.changed", orderId: `ord_${n}`, n }));
  }
  return postSigned(url, "trackvia", JSON.stringify({ eventId: id, event: "record.updated", recordId: n, n }), "record.updated");
}

/** Sends `count` events alternating between the sources, one after the other; returns the answers. */
export async function sendSeries(url: string, run: string, count: number, from = 0): Promise<Array<{ id: string; status: number }>> {
  const answers: Array<{ id: string; status: number }> = [];
  for (let n = from; n < from + count; n += 1) {
    const source = SOURCES[n % SOURCES.length]!;
    const answer = await sendEvent(url, source, run, n);
    answers.push({ id: `${run}-${source}-${n}`, status: answer.status });
  }
  return answers;
}

export function messageIds(messages: readonly ConsumeMessage[]): string[] {
  return messages.map((message) => String(message.properties.messageId));
}

/** Whether every one of `ids` has reached the tap, in any order, duplicates allowed. */
export function allArrived(messages: readonly ConsumeMessage[], ids: readonly string[]): boolean {
  const arrived = new Set(messageIds(messages));
  return ids.every((id) => arrived.has(id));
}

/**
 * Order per source, allowing duplicates: a redelivered event may repeat an earlier one, but the
 * last copy of each must come after the last copy of every event sent before it.
 */
export function expectOrderedPerSource(ids: readonly string[], run: string): void {
  for (const source of SOURCES) {
    const prefix = `${run}-${source}-`;
    const seen = ids.filter((id) => id.startsWith(prefix)).map((id) => Number(id.slice(prefix.length)));
    const lastCopies = [...new Set(seen.reverse())].reverse();
    expect(lastCopies, `order of ${source} events`).toEqual([...lastCopies].sort((a, b) => a - b));
  }
}

/** The /readyz body, as far as the spool tests read it. */
export interface ReadyzBody {
  readonly status: string;
  readonly events?: string;
  readonly spool: { readonly count: number; readonly bytes: number };
  readonly problems: ReadonlyArray<{ readonly code: string; readonly message: string }>;
}

export async function readyz(url: string): Promise<{ status: number; body: ReadyzBody }> {
  const answer = await fetch(`${url}/readyz`);
  return { status: answer.status, body: (await answer.json()) as ReadyzBody };
}

/** Polls `check` until it returns true, or fails after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not hold within ${ms} ms`);
}

/** A fresh DATA_DIR for one router. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "spool-it-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A router whose broker link runs through a proxy the test can cut, stall or slow down. */
export interface RouterBehindProxy {
  readonly tap: QueueTap;
  readonly proxy: TcpProxy;
  readonly router: TestRouter;
  close(): Promise<void>;
}

/**
 * Starts one with the spool tests' sources, its own DATA_DIR, a tap on its exchange and a
 * 300 ms confirm timeout (`env` adds or overrides). Resolves once it publishes to the broker —
 * ready is not enough: with the spool the router takes events before the broker is up.
 */
export async function startRouterBehindProxy(env: Record<string, string> = {}): Promise<RouterBehindProxy> {
  const tap = await tapExchange();
  const proxy = new TcpProxy();
  await proxy.start();
  const data = tempDataDir();
  const router = await startTestRouter({
    AMQP_URL: proxy.url(AMQP_URL),
    AMQP_EXCHANGE: tap.exchange,
    DATA_DIR: data.dir,
    ROUTES_DIR,
    PUBLISH_TIMEOUT_MS: "300",
    ...env,
  });
  await eventually(async () => (await readyz(router.url)).body.events === "broker", 10_000, "connected to the broker");
  return {
    tap,
    proxy,
    router,
    async close() {
      proxy.restore();
      await router.close();
      await proxy.close();
      await tap.close();
      data.cleanup();
    },
  };
}
