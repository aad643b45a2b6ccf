import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type QueueTap, tapExchange } from "../../helpers/rabbit.js";
import { redisTarget, testRedis } from "../../helpers/redis.js";
import { type RouterProcess, startRouterProcess } from "../../helpers/router-process.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

// Two ingress processes (the built CLI) sharing one Redis through a TCP proxy of the test's own:
// the proxy is cut or hung, never the machine's Redis. Keys carry a prefix unique to this run.
const ROUTES_DIR = "test/fixtures/routes/shared-rate-limit";
const LIMIT = 10;
const LIMIT_MESSAGE = `more than ${LIMIT} requests in 60 s from this address`;
const WHERE = /^Redis at redis:\/\/127\.0\.0\.1:\d+ \(RATE_LIMIT_REDIS_URL\)/;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

/** One webhook from `client` (TRUST_PROXY believes X-Forwarded-For from loopback). */
async function send(replica: RouterProcess, client: string, n: number): Promise<Answer> {
  const response = await fetch(`${replica.url}/webhooks/limited`, {
    method: "POST",
    body: JSON.stringify({ kind: "ping", n }),
    headers: { "content-type": "application/json", "x-token": "limited-secret", "x-forwarded-for": client },
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
}

async function readyz(
  replica: RouterProcess,
): Promise<{ status: number; body: { problems?: Array<Record<string, unknown>> } & Record<string, unknown> }> {
  const response = await fetch(`${replica.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { problems?: Array<Record<string, unknown>> } };
}

async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

describe("two ingress replicas behind one rate limit in Redis", () => {
  const prefix = `test:webhook-router:${randomUUID()}:`;
  const dataDirs: string[] = [];
  let redis: Awaited<ReturnType<typeof testRedis>>;
  let proxy: TcpProxy;
  let tap: QueueTap;
  let replicas: RouterProcess[] = [];

  beforeAll(async () => {
    redis = await testRedis();
    proxy = new TcpProxy(redisTarget());
    await proxy.start();
    tap = await tapExchange();
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), "wr-shared-limit-"));
      dataDirs.push(dataDir);
      return startRouterProcess(
        {
          DATA_DIR: dataDir,
          ROUTES_DIR,
          AMQP_EXCHANGE: tap.exchange,
          TRUST_PROXY: "loopback",
          RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
          RATE_LIMIT_PREFIX: prefix,
          // Above the default 100 ms: a burst on a machine busy with other tests must not time out.
          RATE_LIMIT_REDIS_TIMEOUT_MS: "250",
        },
        { role: "ingress" },
      );
    };
    replicas = await Promise.all([start(), start()]);
    for (const replica of replicas) await eventually(async () => (await readyz(replica)).body.events === "broker", 10_000, "publishing");
  }, 60_000);
  afterEach(() => {
    // A failed test must not leave the next one behind a broken link.
    proxy.restore();
    proxy.resume();
  });
  afterAll(async () => {
    for (const replica of replicas) expect(await replica.kill()).toBe(0);
    await proxy?.close();
    await tap?.close();
    await redis?.deleteKeys(prefix);
    await redis?.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("lets one address through exactly `max` times in total, however its requests spread over the replicas", async () => {
    const client = "203.0.113.10";
    // One after the other, alternating: each replica has seen only five when the eleventh comes.
    const answers: Answer[] = [];
    for (let n = 0; n < 2 * LIMIT; n += 1) answers.push(await send(replicas[n % 2]!, client, n));
    expect(answers.map((answer) => answer.status)).toEqual([...Array(LIMIT).fill(202), ...Array(LIMIT).fill(429)]);
    const refused = answers.filter((answer) => answer.status === 429);
    // The 429 is the one a single process gives: its body, and a Retry-After within the window.
    for (const answer of refused) {
      expect(answer.body).toEqual({ error: "rate_limited", message: LIMIT_MESSAGE });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
    }
    await tap.waitFor(LIMIT);
    // One key, under the prefix and the source id, counting all twenty, expiring with the window.
    const keys = await redis.keys(prefix);
    expect([...keys.keys()]).toEqual([`${prefix}limited:${client}`]);
    const [count] = [...keys.values()];
    expect(count?.value).toBe(String(2 * LIMIT));
    expect(count?.ttlMs).toBeGreaterThan(0);
    expect(count?.ttlMs).toBeLessThanOrEqual(60_000);
    // All at once, from another address: Redis counts atomically, so still exactly `max`.
    const burst = await Promise.all(Array.from({ length: 2 * LIMIT }, (_, n) => send(replicas[n % 2]!, "203.0.113.14", n)));
    const problems = await Promise.all(replicas.map(async (replica) => (await readyz(replica)).body.problems));
    expect(
      burst.filter((answer) => answer.status === 202),
      JSON.stringify(problems),
    ).toHaveLength(LIMIT);
    expect(burst.filter((answer) => answer.status === 429)).toHaveLength(LIMIT);
    await tap.waitFor(2 * LIMIT);
    // Another address has its own count, on either replica.
    expect((await send(replicas[1]!, "198.51.100.20", 0)).status).toBe(202);
    for (const replica of replicas) expect((await readyz(replica)).body.problems).toEqual([]);
  });

  it("keeps accepting while Redis is unreachable: each replica counts alone, warns, and lists the problem in /readyz until Redis is back", async () => {
    const client = "203.0.113.11";
    proxy.cut();
    // The limit on each replica, twice the shared one in total: all accepted (Redis cannot count them).
    for (let n = 0; n < 2 * LIMIT; n += 1) expect((await send(replicas[n % 2]!, client, n)).status).toBe(202);
    for (const replica of replicas) {
      const ready = await readyz(replica);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe("ready");
      expect(ready.body.problems).toEqual([{ code: "rate_limit_store_unavailable", message: expect.stringMatching(WHERE), at: expect.any(String) }]);
      const warnings = replica.logs.filter((line) => typeof line.msg === "string" && WHERE.test(line.msg) && line.level === "warn");
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings[0]?.msg).toMatch(/does not answer: rate limits count in this process alone until it does$/);
      // Throttled: not one line per request or per reconnect attempt.
      expect(warnings.length).toBeLessThanOrEqual(2);
    }
    // Alone, a replica still holds its own limit: the 11th of one address on one replica is refused.
    const alone = [];
    for (let n = 0; n < LIMIT + 1; n += 1) alone.push((await send(replicas[0]!, "203.0.113.12", n)).status);
    expect(alone).toEqual([...Array(LIMIT).fill(202), 429]);
    for (const address of [client, "203.0.113.12"]) expect(await redis.keys(`${prefix}limited:${address}`)).toEqual(new Map());

    proxy.restore();
    for (const replica of replicas) {
      await eventually(async () => (await readyz(replica)).body.problems?.length === 0, 10_000, "the problem gone once Redis answers");
      await eventually(
        async () => replica.logs.some((line) => /answers again after \d+ s: rate limits are shared again$/.test(String(line.msg))),
        2000,
        "recovery logged",
      );
    }
    // Shared again: the first count in Redis for this address.
    expect((await send(replicas[1]!, client, 99)).status).toBe(202);
    expect((await redis.keys(`${prefix}limited:${client}`)).get(`${prefix}limited:${client}`)?.value).toBe("1");
  });

  it("answers without waiting for a Redis that hangs: the check gives up after its timeout", async () => {
    proxy.pause();
    const started = performance.now();
    const answers = [];
    for (let n = 0; n < 10; n += 1) answers.push((await send(replicas[n % 2]!, "203.0.113.13", n)).status);
    const elapsed = performance.now() - started;
    expect(answers).toEqual(Array(10).fill(202));
    // One 250 ms wait per replica (then a second of counting alone), never one per request (2.5 s).
    expect(elapsed).toBeLessThan(2000);
    for (const replica of replicas) expect((await readyz(replica)).body.problems).toMatchObject([{ code: "rate_limit_store_unavailable" }]);
    const metrics = await (await fetch(`${replicas[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/^webhook_router_rate_limit_fallbacks_total [1-9]\d*$/m);
    proxy.resume();
  });
});
