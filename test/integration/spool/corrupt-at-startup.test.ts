import { closeSync, openSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSpool } from "../../../src/spool/open-spool.js";
import { tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { eventually, messageIds, readyz, ROUTES_DIR, tempDataDir } from "./spool-events.js";

const EVENTS = 40;

/** A spool left by an earlier process: EVENTS ~1 KiB events, then one page of it overwritten. */
async function damagedSpool(dir: string): Promise<void> {
  const { spool } = openSpool({ dir, maxBytes: 1024 ** 2, logger: pino({ level: "silent" }) });
  await Promise.all(
    Array.from({ length: EVENTS }, (_, n) => {
      const body = Buffer.from(JSON.stringify({ specversion: "1.0", id: `evt_${n}`, type: "tracktile.order.created", pad: "x".repeat(900) }));
      return spool.append({ id: `evt_${n}`, type: "tracktile.order.created", routingKey: "tracktile.order.created", body, receivedAt: Date.now() });
    }),
  );
  spool.close();
  const fd = openSync(join(dir, "spool.sqlite"), "r+");
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 6 * 4096);
  closeSync(fd);
}

describe("a damaged spool file at start-up", () => {
  let tap: QueueTap;
  let router: TestRouter;
  let data: ReturnType<typeof tempDataDir>;

  beforeAll(async () => {
    tap = await tapExchange();
    data = tempDataDir();
    await damagedSpool(data.dir);
    router = await startTestRouter({ AMQP_EXCHANGE: tap.exchange, DATA_DIR: data.dir, ROUTES_DIR });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
    data?.cleanup();
  });

  it("starts anyway, keeps the file aside, reports it in /readyz, and relays what could be salvaged", async () => {
    const aside = readdirSync(data.dir).filter((name) => /^spool\.corrupt-.+\.sqlite$/.test(name));
    expect(aside).toHaveLength(1);

    const { status, body } = await readyz(router.url);
    expect(status).toBe(200); // a fresh spool and the broker can take events
    expect(body).toMatchObject({ status: "ready", events: "spool_error" });
    expect(body.problems).toEqual([expect.objectContaining({ code: "spool_corrupt", message: expect.stringContaining(join(data.dir, aside[0]!)) })]);
    const [, recovered, lost] = /recovered (\d+) event\(s\) into the new spool, (\d+) unreadable/.exec(body.problems[0]!.message)!;
    expect(Number(recovered) + Number(lost)).toBe(EVENTS);
    expect(Number(recovered)).toBeGreaterThan(EVENTS / 2);

    await eventually(() => tap.messages.length >= Number(recovered), 10_000, "salvaged events relayed");
    const ids = messageIds(tap.messages);
    expect(ids).toHaveLength(Number(recovered));
    const ns = ids.map((id) => Number(id.slice("evt_".length)));
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(router.logs.find((line) => line.movedTo)).toMatchObject({ level: 50, path: join(data.dir, "spool.sqlite") });
  });
});
