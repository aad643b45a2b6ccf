import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, postSigned, signFor } from "../helpers/post.js";
import { publishedBy, tapExchange, type QueueTap } from "../helpers/rabbit.js";
import { lastRequestLog, startTestRouter, type TestRouter } from "../helpers/router.js";

const order = readFileSync("test/fixtures/tracktile/order.status.changed.json", "utf8");

describe("requests the router refuses, and what each one is told", () => {
  let tap: QueueTap;
  let router: TestRouter;

  beforeAll(async () => {
    tap = await tapExchange();
    router = await startTestRouter({ AMQP_EXCHANGE: tap.exchange });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
  });

  const tracktile = () => `${router.url}/webhooks/tracktile`;

  it("a bad signature: 401, the reason in the body and the log, nothing published", async () => {
    const headers = { "content-type": "application/json", "x-tracktile-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` };
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), order, headers));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: "invalid_signature" });
    expect(arrived).toHaveLength(0);
    expect(lastRequestLog(router)).toMatchObject({ source: "tracktile", status: 401, reason: "invalid_signature", verification: "bad_signature" });
  });

  it("a body changed after signing: 401", async () => {
    const headers = signFor("tracktile", order);
    const tampered = order.replace("completed", "cancelled");
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), tampered, headers));
    expect(answer.status).toBe(401);
    expect(arrived).toHaveLength(0);
  });

  it("no signature header at all: 401", async () => {
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), order, { "content-type": "application/json" }));
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/x-tracktile-signature/i);
    expect(arrived).toHaveLength(0);
  });

  it("a signature older than the tolerance: 401", async () => {
    const headers = signFor("tracktile", order, Date.now() - 10 * 60_000);
    const { answer } = await publishedBy(tap, () => post(tracktile(), order, headers));
    expect(answer.status).toBe(401);
    expect(lastRequestLog(router)).toMatchObject({ verification: "timestamp_out_of_tolerance" });
  });

  it("an unknown source: 404", async () => {
    const { answer, arrived } = await publishedBy(tap, () => post(`${router.url}/webhooks/nobody`, order));
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: "unknown_source" });
    expect(arrived).toHaveLength(0);
  });

  it("an empty body, correctly signed: 400", async () => {
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), "", signFor("tracktile", "")));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_body", message: expect.stringMatching(/empty/) });
    expect(arrived).toHaveLength(0);
  });

  it("invalid JSON, correctly signed: 400 naming the problem", async () => {
    const body = '{"kind": "order.status.changed",';
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), body, signFor("tracktile", body)));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/not valid JSON/);
    expect(arrived).toHaveLength(0);
  });

  it("JSON without an event name and none in the URL: 400 saying where it was looked for", async () => {
    const body = '{"id":"evt_1"}';
    const { answer } = await publishedBy(tap, () => post(tracktile(), body, signFor("tracktile", body)));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_event", message: expect.stringMatching(/body:kind/) });
  });

  it("no Content-Type at all: still verified over the exact bytes and accepted", async () => {
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), order, signFor("tracktile", order)));
    expect(answer.status).toBe(202);
    expect(arrived).toHaveLength(1);
  });

  it("a 2 MiB body: 413 without reading it all, and the router stays up", async () => {
    const big = JSON.stringify({ kind: "order.created", pad: "x".repeat(2 * 1024 * 1024) });
    const { answer, arrived } = await publishedBy(tap, () => post(tracktile(), big, signFor("tracktile", big)));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: "payload_too_large" });
    expect(arrived).toHaveLength(0);
    const health = await fetch(`${router.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("a compressed body: 415, since the signature covers the bytes sent", async () => {
    const headers = { ...signFor("tracktile", order), "content-encoding": "gzip" };
    const { answer } = await publishedBy(tap, () => post(tracktile(), order, headers));
    expect(answer.status).toBe(415);
  });

  it("GET on a webhook URL: 405 with Allow: POST", async () => {
    const response = await fetch(tracktile());
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("an invalid event name in the URL: 400", async () => {
    const body = readFileSync("test/fixtures/tracktik/employees.created.json", "utf8");
    const { answer, arrived } = await publishedBy(tap, () => postSigned(router.url, "tracktik", body, "employees created!"));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_event" });
    expect(arrived).toHaveLength(0);
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After past the source's limit, per client address", async () => {
    const tap = await tapExchange();
    const routes = `${process.cwd()}/test/fixtures/routes/rate-limited`;
    const router = await startTestRouter({ AMQP_EXCHANGE: tap.exchange, ROUTES_DIR: routes });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i += 1) {
        const body = JSON.stringify({ kind: "ping", n: i });
        const response = await fetch(`${router.url}/webhooks/limited`, { method: "POST", body, headers: { "x-token": "limited-secret" } });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get("retry-after");
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await router.close();
      await tap.close();
    }
  });

  it("behind a trusted proxy, each forwarded client has its own budget", async () => {
    const routes = `${process.cwd()}/test/fixtures/routes/rate-limited`;
    const router = await startTestRouter({ ROUTES_DIR: routes, TRUST_PROXY: "loopback" });
    try {
      const send = (client: string) =>
        fetch(`${router.url}/webhooks/limited`, {
          method: "POST",
          body: JSON.stringify({ kind: "ping" }),
          headers: { "x-token": "limited-secret", "x-forwarded-for": client },
        }).then((response) => response.status);
      const first = [];
      for (let i = 0; i < 4; i += 1) first.push(await send("203.0.113.9"));
      expect(first).toEqual([202, 202, 202, 429]);
      expect(await send("198.51.100.7")).toBe(202);
    } finally {
      await router.close();
    }
  });
});
