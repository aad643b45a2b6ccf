import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { type QueueTap, tapExchange } from "../../helpers/rabbit.js";
import { redisTarget, testRedis } from "../../helpers/redis.js";
import { deleteRouteQueues, EXAMPLE_SECRETS, startTestRouter } from "../../helpers/router.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

// The Redis connection as a part of the router's start-up: a Redis that does not answer never
// stops the start, and whatever way the router ends, the connection is closed.
const ROUTES_DIR = "test/fixtures/routes/shared-rate-limit";

async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("the shared rate limit's Redis connection", () => {
  const prefix = `test:webhook-router:${randomUUID()}:`;
  let proxy: TcpProxy;
  let tap: QueueTap;

  beforeEach(async () => {
    proxy = new TcpProxy(redisTarget());
    await proxy.start();
    tap = await tapExchange();
  });
  afterEach(async () => {
    await proxy.close();
    await tap.close();
    const redis = await testRedis();
    await redis.deleteKeys(prefix);
    await redis.close();
  });

  const env = () => ({ ROUTES_DIR, AMQP_EXCHANGE: tap.exchange, RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${proxy.port}`, RATE_LIMIT_PREFIX: prefix });

  it("does not hold up the start when Redis does not answer, accepts meanwhile, and shuts down cleanly", async () => {
    proxy.cut();
    const started = performance.now();
    const router = await startTestRouter(env());
    expect(performance.now() - started).toBeLessThan(5000);
    try {
      const response = await fetch(`${router.url}/webhooks/limited`, {
        method: "POST",
        body: '{"kind":"ping"}',
        headers: { "x-token": "limited-secret" },
      });
      expect(response.status).toBe(202);
      const ready = await fetch(`${router.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { problems: unknown[] }).problems).toMatchObject([{ code: "rate_limit_store_unavailable" }]);
      expect(router.logs.some((line) => line.level === 40 && /does not answer: rate limits count in this process alone/.test(String(line.msg)))).toBe(
        true,
      );
      // Once it answers, the client (reconnecting by itself) shares the limit again.
      proxy.restore();
      await eventually(() => proxy.connections === 1, 10_000, "reconnected to Redis");
    } finally {
      await router.close();
    }
    expect(router.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
    await eventually(() => proxy.connections === 0, 2000, "the connection closed at shutdown");
  });

  it("is closed when a later part of the start fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-limit-start-fail-"));
    const notADirectory = join(dir, "data");
    writeFileSync(notADirectory, "");
    const queuePrefix = `test.${randomUUID().slice(0, 8)}.`;
    // Routes need workers, and workers need the state store, which cannot open in a file.
    const failing = startTestRouter(
      { ...env(), ...EXAMPLE_SECRETS, ROUTES_DIR: "routes", DATA_DIR: notADirectory, QUEUE_PREFIX: queuePrefix },
      { role: "all" },
    );
    try {
      await expect(failing).rejects.toThrow();
    } finally {
      await deleteRouteQueues(queuePrefix, loadRoutes("routes", EXAMPLE_SECRETS));
    }
    // Counted by the proxy, not sampled: a connection opened and closed between two samples under load was missed.
    expect(proxy.accepted, "connected to Redis before the start failed").toBeGreaterThanOrEqual(1);
    await eventually(() => proxy.connections === 0, 2000, "the connection closed by the failed start");
  });
});
