import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerRefusal } from "../../../src/broker/broker-failure.js";
import { SinkUnavailableError } from "../../../src/contracts/event-sink.js";
import type { NormalizedEvent } from "../../../src/contracts/normalized-event.js";
import { openSpool, type SpoolProblem } from "../../../src/spool/open-spool.js";
import { SpoolUnavailableError } from "../../../src/spool/spool-errors.js";
import type { Spool } from "../../../src/spool/spool.js";
import { type IngressSink, spoolingSink } from "../../../src/spool/spooling-sink.js";
import { MemoryPublisher } from "./memory-publisher.js";
import { entry, tempDataDir } from "./spool-files.js";

const logger = pino({ level: "silent" });
const env = { SPOOL_MAX_BYTES: 1024 ** 2, SPOOL_RELAY_TIMEOUT_MS: 30_000, SPOOL_RELAY_WINDOW: 4 };

const event = (n: number): NormalizedEvent => {
  const { id, type, routingKey, body } = entry(n);
  return { id, type, routingKey, body, subject: undefined, time: "2026-11-20T14:03:11.000Z" };
};

describe("the ingress sink over a publisher and a real spool", () => {
  let data: ReturnType<typeof tempDataDir> | undefined;
  let spool: Spool | undefined;
  let sink: IngressSink | undefined;
  afterEach(async () => {
    await sink?.close(1000);
    spool?.close();
    data?.cleanup();
    [data, spool, sink] = [undefined, undefined, undefined];
  });

  interface BuildOptions {
    readonly publisher?: MemoryPublisher;
    readonly maxBytes?: number;
    readonly withSpool?: boolean;
    readonly startupProblems?: SpoolProblem[];
    readonly refusal?: BrokerRefusal;
    /** Events already in the spool when the sink starts, left by a previous run. */
    readonly leftover?: number;
  }

  async function build(options: BuildOptions = {}) {
    const publisher = options.publisher ?? new MemoryPublisher();
    const maxBytes = options.maxBytes ?? env.SPOOL_MAX_BYTES;
    if (options.withSpool !== false) {
      data = tempDataDir();
      spool = openSpool({ dir: data.dir, maxBytes, logger }).spool;
      for (let n = 1; n <= (options.leftover ?? 0); n += 1) await spool.append(entry(n));
    }
    const built = spoolingSink({
      publisher,
      spool,
      startupProblems: options.startupProblems ?? [],
      env: { ...env, SPOOL_MAX_BYTES: maxBytes },
      logger,
      brokerRefusal: () => options.refusal,
    });
    sink = built.sink;
    return { sink, brokerConnected: built.brokerConnected, publisher };
  }

  it("with the broker up and the spool empty, an event goes to the broker", async () => {
    const { sink, publisher } = await build();
    expect(sink.state).toBe("broker");
    expect(sink.ready).toBe(true);
    expect(await sink.accept(event(1))).toBe("broker");
    expect(publisher.confirmed).toEqual(["evt_1"]);
    expect(publisher.timeouts).toEqual([undefined]);
    expect(sink.depth()).toEqual({ count: 0, bytes: 0, maxBytes: env.SPOOL_MAX_BYTES });
  });

  it("a publish the broker does not confirm puts the event in the spool, and the sink starts spooling", async () => {
    const { sink, publisher } = await build();
    publisher.failing = "timeout";
    expect(await sink.accept(event(1))).toBe("spool");
    expect(sink.state).toBe("spool");
    expect(sink.ready).toBe(true);
    expect(sink.depth().count).toBe(1);
    expect(spool!.peek(10).map((spooled) => spooled.id)).toEqual(["evt_1"]);
  });

  it("with the broker disconnected, events go straight to the spool", async () => {
    const { sink, publisher } = await build();
    publisher.connected = false;
    expect(await sink.accept(event(1))).toBe("spool");
    expect(await sink.accept(event(2))).toBe("spool");
    expect(sink.depth().count).toBe(2);
    expect(publisher.confirmed).toEqual([]);
  });

  it("a full spool refuses the event with spool_full and the broker's reason, and says so in problems", async () => {
    const { sink, publisher } = await build({ maxBytes: 2500 });
    publisher.connected = false;
    await sink.accept(event(1));
    await sink.accept(event(2));
    const refused = await sink.accept(event(3)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SpoolUnavailableError);
    expect(refused).toBeInstanceOf(SinkUnavailableError);
    expect(refused).toMatchObject({ spool: "spool_full", reason: "not_connected" });
    expect(sink.state).toBe("spool_full");
    expect(sink.ready).toBe(false);
    expect(sink.problems.map((problem) => problem.code)).toEqual(["spool_full"]);
  });

  it("without a spool, an event the broker cannot take is refused with spool_error", async () => {
    const noSpool: SpoolProblem = { code: "spool_unavailable", message: "cannot open the spool", at: "2026-11-20T14:03:11.000Z" };
    const { sink, publisher } = await build({ withSpool: false, startupProblems: [noSpool] });
    expect(await sink.accept(event(1))).toBe("broker");
    publisher.failing = "nacked";
    await expect(sink.accept(event(2))).rejects.toMatchObject({ name: "SpoolUnavailableError", spool: "spool_error", reason: "nacked" });
    publisher.connected = false;
    expect(sink.ready).toBe(false);
    expect(sink.state).toBe("spool_error");
    expect(sink.problems).toEqual([noSpool]);
  });

  it("names a broker that refuses the connection among the problems", async () => {
    const refusal: BrokerRefusal = {
      since: new Date("2026-11-20T14:00:00.000Z"),
      failure: { kind: "refused_credentials", code: "ACCESS_REFUSED", message: "RabbitMQ refused user app" },
    };
    const { sink } = await build({ refusal });
    expect(sink.brokerRefusal).toBe(refusal);
    expect(sink.problems).toEqual([
      { code: "broker_refused", message: "RabbitMQ refused user app; events go to the spool meanwhile", at: "2026-11-20T14:00:00.000Z" },
    ]);
  });

  it("when the broker reconnects, the relay drains the spool in order and events go to the broker again", async () => {
    const { sink, publisher, brokerConnected } = await build();
    publisher.connected = false;
    for (const n of [1, 2, 3]) await sink.accept(event(n));
    publisher.connected = true;
    brokerConnected();
    await expect.poll(() => spool!.isEmpty, { timeout: 3000, interval: 10 }).toBe(true);
    expect(publisher.confirmed).toEqual(["evt_1", "evt_2", "evt_3"]);
    // The relay waits longer for its confirms than a sender would.
    expect(publisher.timeouts.slice(-3)).toEqual([30_000, 30_000, 30_000]);
    expect(sink.state).toBe("broker");
    expect(await sink.accept(event(4))).toBe("broker");
  });

  it("while the spool holds events, a new one joins it rather than overtake them", async () => {
    // Left by a previous run: the relay publishes them at once, their confirms not back yet.
    const publisher = Object.assign(new MemoryPublisher(), { holding: true });
    const { sink } = await build({ publisher, leftover: 2 });
    expect(sink.state).toBe("spool");
    expect(await sink.accept(event(3))).toBe("spool");
    publisher.release();
    await expect.poll(() => spool!.isEmpty, { timeout: 3000, interval: 10 }).toBe(true);
    expect(publisher.confirmed).toEqual(["evt_1", "evt_2", "evt_3"]);
  });

  it("once closing, refuses new events; close waits for accepts in flight, then closes the publisher and the spool", async () => {
    const { sink, publisher } = await build();
    publisher.connected = false;
    const inFlight = sink.accept(event(1));
    const closed = sink.close(1000);
    await expect(sink.accept(event(2))).rejects.toMatchObject({ name: "SinkUnavailableError", reason: "not_connected" });
    expect(await inFlight).toBe("spool");
    await closed;
    expect(publisher.closed).toBe(true);
    expect(spool!.isOpen).toBe(false);
  });
});
