import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openSpool } from "../../../src/spool/open-spool.js";
import { SpoolFullError } from "../../../src/spool/spool-errors.js";
import type { Spool } from "../../../src/spool/spool.js";
import { capturingLogger, entry, tempDataDir } from "./spool-files.js";

const { logger } = capturingLogger();
const size = (n: number) => entry(n).body.length + `evt_${n}`.length + 2 * "tracktile.order.created".length;

describe("the spool", () => {
  let data: ReturnType<typeof tempDataDir>;
  let spool: Spool | undefined;
  const open = (maxBytes = 1024 ** 2) => (spool = openSpool({ dir: data.dir, maxBytes, logger }).spool);

  afterEach(() => {
    spool?.close();
    data?.cleanup();
  });

  it("gives events back in arrival order, and deletes only the prefix it is told", async () => {
    data = tempDataDir();
    const spool = open();
    await Promise.all([1, 2, 3, 4, 5].map((n) => spool.append(entry(n))));
    const head = spool.peek(3);
    expect(head.map((event) => event.id)).toEqual(["evt_1", "evt_2", "evt_3"]);
    expect(head[0]!.body.equals(entry(1).body)).toBe(true);
    expect(head[0]).toMatchObject({ type: "tracktile.order.created", routingKey: "tracktile.order.created", receivedAt: entry(1).receivedAt });

    expect(spool.deleteThrough(head[1]!.seq)).toBe(2);
    expect(spool.peek(10).map((event) => event.id)).toEqual(["evt_3", "evt_4", "evt_5"]);
  });

  it("stops a peek at the byte budget, but always returns at least one event", async () => {
    data = tempDataDir();
    const spool = open();
    await Promise.all([1, 2, 3].map((n) => spool.append(entry(n))));
    expect(spool.peek(10, 1)).toHaveLength(1);
    expect(spool.peek(10, 1500)).toHaveLength(2);
  });

  it("counts bytes and events in and out", async () => {
    data = tempDataDir();
    const spool = open();
    expect(spool.depth()).toEqual({ count: 0, bytes: 0 });
    const appended = Promise.all([1, 2, 3].map((n) => spool.append(entry(n))));
    // Queued for the group commit already count: the limit must hold before the commit.
    expect(spool.depth()).toEqual({ count: 3, bytes: size(1) + size(2) + size(3) });
    await appended;
    expect(spool.isEmpty).toBe(false);
    spool.deleteThrough(spool.peek(1)[0]!.seq);
    expect(spool.depth()).toEqual({ count: 2, bytes: size(2) + size(3) });
    spool.deleteThrough(Number.MAX_SAFE_INTEGER);
    expect(spool.depth()).toEqual({ count: 0, bytes: 0 });
    expect(spool.isEmpty).toBe(true);
  });

  it("refuses an append past SPOOL_MAX_BYTES and keeps what it already holds", async () => {
    data = tempDataDir();
    const spool = open(size(1) + size(2) + 10);
    await spool.append(entry(1));
    await spool.append(entry(2));
    await expect(spool.append(entry(3))).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.depth().count).toBe(2);
    // Room again once the relay frees some.
    spool.deleteThrough(spool.peek(1)[0]!.seq);
    await spool.append(entry(3));
    expect(spool.peek(10).map((event) => event.id)).toEqual(["evt_2", "evt_3"]);
  });

  it("keeps everything across a close and a reopen, and never reuses a place in the order", async () => {
    data = tempDataDir();
    const first = open();
    await Promise.all([1, 2, 3].map((n) => first.append(entry(n))));
    first.deleteThrough(Number.MAX_SAFE_INTEGER);
    await first.append(entry(4));
    const lastSeq = first.peek(1)[0]!.seq;
    first.close();

    const reopened = open();
    expect(reopened.depth()).toEqual({ count: 1, bytes: size(4) });
    await reopened.append(entry(5));
    const events = reopened.peek(10);
    expect(events.map((event) => event.id)).toEqual(["evt_4", "evt_5"]);
    expect(events[0]!.seq).toBe(lastSeq);
    expect(events[1]!.seq).toBeGreaterThan(lastSeq);
  });

  it("commits appends made in the same tick together, each resolving only after the commit", async () => {
    data = tempDataDir();
    const spool = open();
    let resolved = 0;
    const appends = Array.from({ length: 50 }, (_, n) => spool.append(entry(n)).then(() => (resolved += 1)));
    expect(spool.peek(100)).toHaveLength(0); // not committed yet: nothing resolved, nothing readable
    expect(resolved).toBe(0);
    await Promise.all(appends);
    expect(spool.peek(100).map((event) => event.id)).toEqual(Array.from({ length: 50 }, (_, n) => `evt_${n}`));
  });
});

describe("a spool another process holds", () => {
  it("is refused (SQLITE_BUSY), and the file is left where it is", async () => {
    const data = tempDataDir();
    const first = openSpool({ dir: data.dir, maxBytes: 1024, logger }).spool;
    try {
      expect(() => openSpool({ dir: data.dir, maxBytes: 1024, logger, lockWaitMs: 50 })).toThrow(expect.objectContaining({ code: "SQLITE_BUSY" }));
      expect(readdirSync(data.dir)).toContain("spool.sqlite");
      expect(readdirSync(data.dir).filter((name) => name.includes("corrupt"))).toEqual([]);
    } finally {
      first.close();
      data.cleanup();
    }
  });
});
