import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PollSource } from "../../../src/config/load-routes.js";
import { pollSourceSchema } from "../../../src/config/poll-source-schema.js";
import { compilePoll, runPoll } from "../../../src/poll/index.js";
import { PollError } from "../../../src/poll/poll-error.js";
import { createPollStore, LeaseLostError, type PollLease, type PollStore } from "../../../src/state/poll-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { memorySink } from "../ingress/memory-sink.js";

/** Seven records changed a minute apart; the stand-in API lists those changed since `since`. */
const T0 = Date.parse("2025-06-01T00:00:00Z");
let records: Array<{ id: string; updatedAt: string }>;
let requests: string[];
let server: Server;
let base: string;
let db: StateDb;
let store: PollStore;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    requests.push(`${url.pathname}${url.search}`);
    const since = Date.parse(url.searchParams.get("since") ?? "1970-01-01T00:00:00Z");
    const changed = records.filter((record) => record.updatedAt === undefined || Date.parse(record.updatedAt) >= since);
    const json = (body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(200, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(body));
    };
    const size = 3;
    switch (url.pathname) {
      case "/page": {
        const page = Number(url.searchParams.get("page"));
        return json({ items: changed.slice((page - 1) * size, page * size) });
      }
      case "/offset": {
        const offset = Number(url.searchParams.get("offset"));
        return json({ data: { records: changed.slice(offset, offset + Number(url.searchParams.get("limit"))) } });
      }
      case "/cursor": {
        const from = Number(url.searchParams.get("pageToken") ?? 0);
        const next = from + size < changed.length ? String(from + size) : undefined;
        return json({ items: changed.slice(from, from + size), meta: { next } });
      }
      case "/link": {
        const from = Number(url.searchParams.get("from") ?? 0);
        const more = from + size < changed.length;
        const link: Record<string, string> = more
          ? { link: `<${base}/link?since=${encodeURIComponent(url.searchParams.get("since") ?? "")}&from=${from + size}>; rel="next"` }
          : {};
        return json(changed.slice(from, from + size), link);
      }
      case "/not-a-list":
        return json({ items: { oops: true } });
      default:
        response.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  db = await openStateDb({ dataDir: mkdtempSync(join(tmpdir(), "wr-poll-unit-")) });
  store = createPollStore(db);
});
afterAll(async () => {
  server?.close();
  await db?.destroy();
});
beforeEach(() => {
  records = Array.from({ length: 7 }, (_, i) => ({ id: `r${i + 1}`, updatedAt: new Date(T0 + i * 60_000).toISOString() }));
  requests = [];
});

let sources = 0;
function source(extra: Record<string, unknown>): PollSource {
  const config = pollSourceSchema.parse({
    kind: "poll",
    every: "1h",
    items: "items",
    event: { name: "record.changed", id: "id", modified: "updatedAt" },
    cursor: { initial: "2025-01-01T00:00:00Z", overlap: "1h" },
    ...extra,
  });
  sources += 1;
  return { ...config, id: `unit-${sources}`, file: "test.yaml" };
}

async function run(poll: PollSource, options: { since?: number } = {}) {
  const sink = memorySink();
  const lease = (await store.takeLease(poll.id, "unit", 60_000)) as PollLease;
  const summary = await runPoll(compilePoll(poll), { store, lease, sink, shouldStop: () => false, pause: async () => true, ...options });
  return { summary, subjects: sink.events.map((event) => event.subject), events: sink.events };
}

describe("a poll run pages through the API", () => {
  it.each([
    ["page numbers", { request: { url: "{base}/page?since={cursor}&page={page}" }, pagination: { type: "page", size: 3 } }, 3],
    [
      "offsets",
      { request: { url: "{base}/offset?since={cursor}" }, pagination: { type: "offset", size: 3, param: "offset" }, items: "data.records" },
      3,
    ],
    ["a next-page token", { request: { url: "{base}/cursor?since={cursor}" }, pagination: { type: "cursor", next: "meta.next" } }, 3],
    ["RFC 8288 Link headers", { request: { url: "{base}/link?since={cursor}" }, pagination: { type: "link" }, items: "$" }, 3],
  ])("by %s: every item once, in order, one event each", async (_name, extra, pages) => {
    const settings = JSON.parse(JSON.stringify(extra).replace("{base}", base)) as Record<string, unknown>;
    if (settings.pagination && (settings.pagination as { type: string }).type === "offset") {
      (settings.request as { url: string }).url += "&limit={size}";
    }
    const { summary, subjects, events } = await run(source(settings));
    expect(subjects).toEqual(records.map((record) => record.id));
    expect(summary).toMatchObject({ pages, items: 7, skipped: 0, end: "complete" });
    expect(requests).toHaveLength(pages);
    expect(requests[0]).toContain("since=2025-01-01T00%3A00%3A00.000Z");
    expect(events[0]).toMatchObject({ type: `${events[0]!.routingKey}`, time: records[0]!.updatedAt });
    expect(events[0]!.routingKey).toMatch(/^unit-\d+\.record\.changed$/);
  });

  it("starts the next window at the newest change less the overlap, publishes nothing again, and one event for a real change", async () => {
    const poll = source({ request: { url: `${base}/page?since={cursor}&page={page}` }, pagination: { type: "page", size: 3 } });
    const first = await run(poll);
    expect(first.subjects).toHaveLength(7);
    requests = [];
    const again = await run(poll);
    // Overlap 1h: the window starts an hour before r7 changed, so all seven come back, and are skipped.
    expect(requests[0]).toContain(`since=${encodeURIComponent(new Date(T0 + 6 * 60_000 - 3_600_000).toISOString())}`);
    expect(again.subjects).toEqual([]);
    expect(again.summary.skipped).toBe(7);

    records[2] = { id: "r3", updatedAt: new Date(T0 + 10 * 60_000).toISOString() };
    const changed = await run(poll);
    expect(changed.subjects).toEqual(["r3"]);
    expect(changed.events[0]!.id).not.toBe(first.events[2]!.id);
  });

  it("gives the same change the same event id whatever way its time is written", async () => {
    const poll = source({ request: { url: `${base}/page?since={cursor}&page={page}` }, pagination: { type: "page", size: 3 } });
    const first = await run(poll);
    await db.deleteFrom("poll_seen").where("source_id", "=", poll.id).execute();
    records = records.map((record) => ({ ...record, updatedAt: record.updatedAt.replace(".000Z", "+00:00") }));
    const again = await run(poll, { since: Date.parse("2025-01-01T00:00:00Z") });
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
  });

  it("fails a page whose items are not a list, or whose item lacks its modified time, publishing none of it", async () => {
    const notList = source({ request: { url: `${base}/not-a-list?since={cursor}` } });
    await expect(run(notList)).rejects.toThrow(/items \(items\) found no list in the response/);
    records[1] = { id: "r2" } as (typeof records)[number];
    const missing = source({ request: { url: `${base}/page?since={cursor}&page={page}` }, pagination: { type: "page", size: 3 } });
    const failure = await run(missing).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PollError);
    expect(failure).toMatchObject({
      reason: "response",
      atOnce: true,
      message: expect.stringMatching(/item 1 \(id r2\): event.modified \(updatedAt\) gave nothing/),
    });
    expect((await store.read(missing.id))?.highWaterMs).toBeUndefined();
  });

  it("never names a query-string credential in its errors", async () => {
    const poll = source({ request: { url: `${base}/nowhere?since={cursor}`, auth: { type: "query", name: "user_key", value: "s3cret-key" } } });
    const failure = (await run(poll).catch((error: unknown) => error)) as Error;
    expect(requests[0]).toContain("user_key=s3cret-key");
    expect(failure.message).toBe(`GET ${base}/nowhere answered 404 (empty body)`);
  });

  it("stops between pages on shutdown: the page in hand is committed, the run resumes after it", async () => {
    const poll = source({ request: { url: `${base}/page?since={cursor}&page={page}` }, pagination: { type: "page", size: 3 } });
    const sink = memorySink();
    const lease = (await store.takeLease(poll.id, "unit", 60_000))!;
    let stopping = false;
    const summary = await runPoll(compilePoll(poll), {
      store,
      lease,
      sink,
      shouldStop: () => stopping,
      pause: async () => true,
      onPage: () => (stopping = true),
    });
    expect(summary).toMatchObject({ pages: 1, items: 3, end: "stopped" });
    expect(await store.read(poll.id)).toMatchObject({ cursorMs: undefined, run: { position: '{"page":2,"pages":1,"items":3}' } });
    requests = [];
    const rest = await run(poll);
    expect(requests[0]).toContain("page=2");
    expect(rest.subjects).toEqual(["r4", "r5", "r6", "r7"]);
  });

  it("stops when another process has taken the lease over: the page in hand is not committed", async () => {
    const poll = source({ request: { url: `${base}/page?since={cursor}&page={page}` }, pagination: { type: "page", size: 3 } });
    const stale = (await store.takeLease(poll.id, "paused-process", 50))!;
    const sink = memorySink();
    const running = runPoll(compilePoll(poll), {
      store,
      lease: stale,
      sink,
      shouldStop: () => false,
      pause: async () => true,
      // After page 1 this process stalls past its lease (a GC pause, a frozen VM); another takes over.
      onPage: () => {
        const until = Date.now() + 80;
        while (Date.now() < until);
      },
    });
    const takeOver = (async () => {
      for (;;) {
        const lease = await store.takeLease(poll.id, "standby", 60_000);
        if (lease) return lease;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await expect(running).rejects.toThrow(LeaseLostError);
    expect((await takeOver).fence).toBe(stale.fence + 1);
    // Page 2 was published (at least once) but not committed: the standby's run repeats it.
    expect(sink.events).toHaveLength(6);
    expect(await store.read(poll.id)).toMatchObject({ owner: "standby", run: { position: '{"page":2,"pages":1,"items":3}' } });
  });
});
