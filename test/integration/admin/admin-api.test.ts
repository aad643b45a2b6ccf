import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../../src/ops/admin/index.js";
import type { EventJourney } from "../../../src/ops/delivery-log/index.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness, routeToSink } from "../../helpers/worker-setup.js";

const TOKEN = "admin-test-token-0123456789";

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the tests walk many answer shapes; toMatchObject checks them
  body: Record<string, any>;
}

describe("the admin API, after a scripted scenario", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const run = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-${run}`;
  const call = async (path: string, init: RequestInit & { token?: string | null } = {}): Promise<Answer> => {
    const { token = TOKEN, ...rest } = init;
    const headers = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(rest.body ? { "content-type": "application/json" } : {}) };
    const response = await fetch(`http://127.0.0.1:${harness.router.adminPort}${path}`, { ...rest, headers });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  };
  const post = (path: string, body: unknown) => call(path, { method: "POST", body: JSON.stringify(body) });
  const routeState = async (eventId: string) => ((await call(`/events/${eventId}`)).body as EventJourney).routes[0]?.state;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routeToSink(sink.url, "30ms"), { ADMIN_PORT: "0", ADMIN_TOKEN: TOKEN });
    // 2 delivered; 1 rejected by the target (dead: permanent); then the target is down: 2 exhaust their attempts.
    for (const name of ["ok-1", "ok-2"]) await harness.post({ kind: "order.created", id: id(name) });
    await eventually(() => sink.records.length === 2, 5000, "two deliveries");
    sink.failNext(1, 422, { error: "unknown customer" });
    await harness.post({ kind: "order.created", id: id("rejected") });
    const deadLettered = () => harness.router.logs.filter((line) => line.msg === "event dead-lettered").length;
    await eventually(() => deadLettered() === 1, 5000, "the rejected event's dead letter");
    await sink.down();
    for (const name of ["down-1", "down-2"]) await harness.post({ kind: "order.created", id: id(name) });
    await eventually(() => deadLettered() === 3, 10_000, "three dead letters");
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("refuses every endpoint without the bearer token (401 JSON), and serves it with one", async () => {
    for (const path of ["/status", "/events", "/openapi.json", "/dead-letters"]) {
      expect(await call(path, { token: null })).toMatchObject({ status: 401, body: { error: "unauthorized" } });
    }
    expect(await call("/status", { token: "wrong-token-of-some-length" })).toMatchObject({
      status: 401,
      body: { error: "unauthorized", message: "wrong bearer token" },
    });
    const refused = await fetch(`http://127.0.0.1:${harness.router.adminPort}/dead-letters/purge`, { method: "POST", body: "{}" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("serves its OpenAPI document", async () => {
    expect(await call("/openapi.json")).toEqual({ status: 200, body: JSON.parse(JSON.stringify(openApiDocument)) });
  });

  it("/status counts per source and route, with the dead-letter queue's depth", async () => {
    let status: Answer["body"] = {};
    const deadline = Date.now() + 5000;
    do {
      status = (await call("/status")).body;
      if (status.routes?.[0]?.dead === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() < deadline);
    expect(status.sources).toEqual([
      { id: "app", kind: "webhook", api: null, received: 5, rejected: 0, pending: 0, delivered: 2, filtered: 0, echo: 0, retrying: 0, dead: 3 },
    ]);
    expect(status.routes).toEqual([
      {
        id: "to-sink",
        destination: "sink",
        events: ["app.#"],
        received: 5,
        pending: 0,
        delivered: 2,
        filtered: 0,
        echo: 0,
        retrying: 0,
        dead: 3,
        deadLetterDepth: 3,
        paused: false,
        pausedBy: null,
        pauseReason: null,
        pausedAt: null,
        waiting: 0,
      },
    ]);
    expect(status.deliveryLog).toMatchObject({ engine: "sqlite", payloads: false, retentionMs: 14 * 86_400_000, dropped: 0, failed: 0 });
    expect((await call("/status?since=soon")).body).toMatchObject({ error: "invalid_request", message: expect.stringMatching(/^since:/) });
  });

  it("/events searches the log; /events/{id} is one journey; 400 and 404 as JSON", async () => {
    const dead = (await call("/events?status=dead&route=to-sink")).body;
    expect(dead.events.map((event: { id: string }) => event.id).sort()).toEqual([id("down-1"), id("down-2"), id("rejected")].sort());
    expect((await call(`/events?id=${id("ok-1")}`)).body.events).toMatchObject([
      { id: id("ok-1"), routes: [{ route: "to-sink", state: "delivered" }] },
    ]);
    expect((await call("/events?limit=2")).body).toMatchObject({ count: 2, limit: 2 });
    const journey = (await call(`/events/${id("down-1")}`)).body as EventJourney;
    expect(journey.routes[0]!.history.map((attempt) => [attempt.outcome, attempt.reason])).toEqual([
      ["retry", null],
      ["dead", "exhausted"],
    ]);
    expect(await call("/events?limit=5000")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await call("/events/no-such-event")).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect(await call("/nowhere")).toMatchObject({ status: 404, body: { error: "not_found" } });
  });

  it("/dead-letters lists by route, reason and id, leaving the queue as it was", async () => {
    const all = (await call("/dead-letters")).body;
    expect(all).toMatchObject({ action: "list", matched: 3, truncated: false });
    const exhausted = (await call("/dead-letters?route=to-sink&reason=exhausted")).body;
    expect(exhausted.letters.map((letter: { eventId: string }) => letter.eventId)).toEqual([id("down-1"), id("down-2")]);
    expect(exhausted.letters[0]).toMatchObject({ routeId: "to-sink", reason: "exhausted", attempts: 2 });
    expect((await call(`/dead-letters?id=${id("rejected")}`)).body.letters).toMatchObject([{ reason: "permanent", status: 422 }]);
    expect(await call("/dead-letters?route=nope")).toMatchObject({ status: 404, body: { error: "unknown_route" } });
    expect((await call("/dead-letters")).body.matched).toBe(3);
  });

  it("replay by filter: a dry run changes nothing; then, the target healthy, the events are delivered and the log says so", async () => {
    const dry = (await post("/dead-letters/replay", { reason: "exhausted", dryRun: true })).body;
    expect(dry).toMatchObject({ action: "replay", dryRun: true, matched: 2, replayed: 0 });
    await sink.up();
    const replay = (await post("/dead-letters/replay", { route: "to-sink", reason: "exhausted" })).body;
    expect(replay).toMatchObject({ matched: 2, replayed: 2, purged: 0 });
    await eventually(() => sink.records.length === 4, 5000, "the replayed deliveries");
    expect(
      sink.records
        .slice(2)
        .map((record) => record.idempotencyKey)
        .sort(),
    ).toEqual([id("down-1"), id("down-2")]);
    for (const name of ["down-1", "down-2"]) {
      const deadline = Date.now() + 5000;
      while ((await routeState(id(name))) !== "delivered" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const history = ((await call(`/events/${id(name)}`)).body as EventJourney).routes[0]!.history;
      expect(history.map((attempt) => attempt.outcome)).toEqual(["retry", "dead", "replayed", "delivered"]);
    }
    expect((await call("/dead-letters")).body.matched).toBe(1);
  });

  it("purge needs a route or an id, then removes what matches", async () => {
    expect(await post("/dead-letters/purge", {})).toMatchObject({
      status: 400,
      body: { error: "invalid_request", message: "purge needs route or id: it deletes events for good" },
    });
    expect(await post("/dead-letters/purge", { route: "to-sink", colour: "red" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const broken = await fetch(`http://127.0.0.1:${harness.router.adminPort}/dead-letters/purge`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: "{route",
    });
    expect(broken.status).toBe(400);
    expect(await post("/dead-letters/purge", { id: id("rejected") })).toMatchObject({ status: 200, body: { matched: 1, purged: 1 } });
    expect((await call("/dead-letters")).body.matched).toBe(0);
    const status = (await call("/status")).body;
    expect(status.routes[0]).toMatchObject({ delivered: 4, dead: 1, deadLetterDepth: 0 });
  });
});
