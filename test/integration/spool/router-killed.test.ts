import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMQP_URL, tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { allArrived, eventually, readyz, ROUTES_DIR, sendEvent, SOURCES, tempDataDir } from "./spool-events.js";

describe("when the router is killed (SIGKILL) with events in flight and in the spool", () => {
  let tap: QueueTap;
  let proxy: TcpProxy;
  let data: ReturnType<typeof tempDataDir>;
  const routers: RouterProcess[] = [];

  beforeAll(async () => {
    tap = await tapExchange();
    proxy = new TcpProxy();
    await proxy.start();
    data = tempDataDir();
  });
  afterAll(async () => {
    await Promise.all(routers.map((router) => router.kill("SIGKILL")));
    await proxy?.close();
    await tap?.close();
    data?.cleanup();
  });

  /** Starts a router on the shared DATA_DIR and waits until it reports `events`. */
  const start = async (events: "broker" | "spool") => {
    const router = await startRouterProcess({
      AMQP_URL: proxy.url(AMQP_URL),
      AMQP_EXCHANGE: tap.exchange,
      DATA_DIR: data.dir,
      ROUTES_DIR,
      PUBLISH_TIMEOUT_MS: "300",
    });
    routers.push(router);
    await eventually(async () => (await readyz(router.url)).body.events === events, 10_000, `events: ${events}`);
    return router;
  };

  it("delivers every event that got a 202 once it is started again on the same DATA_DIR", async () => {
    const run = randomUUID();
    const first = await start("broker");
    const accepted: string[] = [];
    let stop = false;
    // Eight senders, each posting one event after another until the router dies under them.
    const senders = Array.from({ length: 8 }, async (_, sender) => {
      for (let n = sender; !stop; n += 8) {
        const source = SOURCES[n % SOURCES.length]!;
        const answer = await sendEvent(first.url, source, run, n).catch(() => undefined);
        if (answer === undefined) return; // the connection died with the router
        if (answer.status === 202) accepted.push(`${run}-${source}-${n}`);
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.cut(); // from here on, events go to the spool
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await first.kill("SIGKILL")).toBe(null);
    stop = true;
    await Promise.all(senders);
    const directly = tap.messages.length;
    expect(accepted.length).toBeGreaterThan(directly); // some were only in the spool when it died

    // Started again while the broker is still out of reach: what the first one spooled waits.
    const second = await start("spool");
    const leftOver = second.logs.find((line) => line.msg === "events left in the spool by a previous run: relaying them first");
    expect(leftOver?.spooled).toBeGreaterThan(0);
    proxy.restore();
    await eventually(() => allArrived(tap.messages, accepted), 15_000, `all ${accepted.length} accepted events delivered`);
    await eventually(async () => (await readyz(second.url)).body.spool.count === 0, 5000, "the spool drained");
  });
});
