import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerUnavailableError } from "../../../src/broker/broker-errors.js";
import { openSpool } from "../../../src/spool/open-spool.js";
import { Relay } from "../../../src/spool/relay.js";
import type { Spool } from "../../../src/spool/spool.js";
import type { SpooledEvent } from "../../../src/spool/spool-entry.js";
import { entry, tempDataDir } from "./spool-files.js";

const logger = pino({ level: "silent" });

describe("the spool relay", () => {
  let data: ReturnType<typeof tempDataDir>;
  let spool: Spool;
  let relay: Relay | undefined;
  afterEach(async () => {
    await relay?.stop(1000);
    spool?.close();
    data?.cleanup();
  });

  async function spoolOf(count: number): Promise<Spool> {
    data = tempDataDir();
    spool = openSpool({ dir: data.dir, maxBytes: 1024 ** 2, logger }).spool;
    await Promise.all(Array.from({ length: count }, (_, n) => spool.append(entry(n + 1))));
    return spool;
  }

  function relayFor(publish: (event: SpooledEvent) => Promise<void>, connected: () => boolean = () => true) {
    let drained = 0;
    relay = new Relay({ spool, publish, isConnected: connected, logger, window: 4, windowBytes: 1024 ** 2, onDrained: () => (drained += 1) });
    return { relay, drained: () => drained };
  }

  it("publishes in arrival order, a window at a time, and empties the spool", async () => {
    await spoolOf(10);
    const published: string[] = [];
    const { relay, drained } = relayFor(async (event) => void published.push(event.id));
    relay.start();
    await expect.poll(() => spool.isEmpty).toBe(true);
    expect(published).toEqual(Array.from({ length: 10 }, (_, n) => `evt_${n + 1}`));
    expect(drained()).toBe(1);
  });

  it("on a failure deletes only the confirmed prefix, backs off, and sends the rest again in order", async () => {
    await spoolOf(6);
    const published: string[] = [];
    let failedOnce = false;
    const { relay } = relayFor(async (event) => {
      published.push(event.id);
      if (event.id === "evt_2" && !failedOnce) {
        failedOnce = true;
        throw new BrokerUnavailableError("nacked", "nacked");
      }
    });
    relay.start();
    await expect.poll(() => spool.isEmpty, { timeout: 3000 }).toBe(true);
    // evt_3 and evt_4 were confirmed in the failed window but follow evt_2: sent again after it.
    expect(published).toEqual(["evt_1", "evt_2", "evt_3", "evt_4", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6"]);
  });

  it("waits while the broker is unreachable, and starts at once when it connects", async () => {
    await spoolOf(3);
    let connected = false;
    const published: string[] = [];
    const { relay } = relayFor(
      async (event) => void published.push(event.id),
      () => connected,
    );
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(published).toEqual([]);
    connected = true;
    relay.reconnected();
    await expect.poll(() => spool.isEmpty, { timeout: 200 }).toBe(true);
    expect(published).toEqual(["evt_1", "evt_2", "evt_3"]);
  });

  it("picks up events spooled after it went idle", async () => {
    await spoolOf(0);
    const published: string[] = [];
    const { relay } = relayFor(async (event) => void published.push(event.id));
    relay.start();
    await spool.append(entry(7));
    relay.spooled();
    await expect.poll(() => published).toEqual(["evt_7"]);
  });
});
