import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueueTap } from "../../helpers/rabbit.js";
import type { TestRouter } from "../../helpers/router.js";
import type { TcpProxy } from "../../helpers/tcp-proxy.js";
import { allArrived, eventually, readyz, sendEvent, SOURCES, startRouterBehindProxy, type RouterBehindProxy } from "./spool-events.js";

const MAX_BYTES = 4096;

describe("when the broker is out of reach and the spool fills up", () => {
  let setup: RouterBehindProxy;
  let tap: QueueTap;
  let proxy: TcpProxy;
  let router: TestRouter;

  beforeAll(async () => {
    setup = await startRouterBehindProxy({ SPOOL_MAX_BYTES: String(MAX_BYTES) });
    ({ tap, proxy, router } = setup);
  });
  afterAll(async () => {
    await setup?.close();
  });

  it("answers 503 once full, says so in /readyz, and still delivers everything it accepted", async () => {
    const run = randomUUID();
    proxy.cut();
    const accepted: string[] = [];
    let refused: Awaited<ReturnType<typeof sendEvent>> | undefined;
    for (let n = 0; n < 100 && !refused; n += 1) {
      const source = SOURCES[n % SOURCES.length]!;
      const answer = await sendEvent(router.url, source, run, n);
      if (answer.status === 202) accepted.push(`${run}-${source}-${n}`);
      else refused = answer;
    }
    expect(accepted.length).toBeGreaterThan(3);
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get("retry-after")).toBe("5");
    expect(refused?.body).toEqual({ error: "unavailable", message: "cannot take events right now; retry later" });

    const full = await readyz(router.url);
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({
      status: "not_ready",
      events: "spool_full",
      spool: { count: accepted.length, maxBytes: MAX_BYTES },
      problems: [{ code: "spool_full", message: expect.stringMatching(/of 4096 bytes: events are refused \(503\)/) }],
    });
    expect(full.body.spool.bytes).toBeLessThanOrEqual(MAX_BYTES);

    proxy.restore();
    await eventually(() => allArrived(tap.messages, accepted), 15_000, "every accepted event delivered");
    await eventually(async () => (await readyz(router.url)).status === 200, 5000, "ready again");
    expect((await readyz(router.url)).body).toMatchObject({ events: "broker", spool: { count: 0 }, problems: [] });
    expect((await sendEvent(router.url, "tracktile", run, 1000)).status).toBe(202);
  });
});
