import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QueueTap } from "../../helpers/rabbit.js";
import type { TestRouter } from "../../helpers/router.js";
import type { TcpProxy } from "../../helpers/tcp-proxy.js";
import {
  allArrived,
  eventually,
  expectOrderedPerSource,
  messageIds,
  readyz,
  sendSeries,
  startRouterBehindProxy,
  type RouterBehindProxy,
} from "./spool-events.js";

describe("when the link to the broker is cut, stalls or slows down", () => {
  let setup: RouterBehindProxy;
  let tap: QueueTap;
  let proxy: TcpProxy;
  let router: TestRouter;

  beforeAll(async () => {
    setup = await startRouterBehindProxy();
    ({ tap, proxy, router } = setup);
  });
  afterEach(() => {
    // A failed test must not leave the next one behind a broken link.
    proxy.restore();
    proxy.resume();
    proxy.delay(0);
  });
  afterAll(async () => {
    await setup?.close();
  });

  const delivered = (ids: readonly string[]) => allArrived(tap.messages, ids);

  it("keeps answering 202 during a cut, and delivers every accepted event in order per source once it heals", async () => {
    const run = randomUUID();
    const before = await sendSeries(router.url, run, 4);
    await eventually(() => delivered(before.map((answer) => answer.id)), 5000, "direct delivery");
    expect((await readyz(router.url)).body).toMatchObject({ status: "ready", events: "broker", spool: { count: 0, bytes: 0 } });

    proxy.cut();
    const during = await sendSeries(router.url, run, 30, 4);
    expect(during.map((answer) => answer.status)).toEqual(during.map(() => 202));
    const spooled = await readyz(router.url);
    expect(spooled.status).toBe(200);
    expect(spooled.body).toMatchObject({ status: "ready", events: "spool", spool: { count: 30 }, problems: [] });
    expect(spooled.body.spool.bytes).toBeGreaterThan(30 * 100);
    expect(messageIds(tap.messages).filter((id) => during.some((answer) => answer.id === id))).toEqual([]);

    proxy.restore();
    const accepted = [...before, ...during].map((answer) => answer.id);
    await eventually(() => delivered(accepted), 15_000, "every accepted event delivered");
    expectOrderedPerSource(messageIds(tap.messages), run);
    await eventually(async () => (await readyz(router.url)).body.events === "broker", 5000, "back to direct publishing");
    expect((await readyz(router.url)).body.spool).toMatchObject({ count: 0, bytes: 0 });
    expect(router.logs.some((line) => line.msg === "spool drained: publishing directly again")).toBe(true);
  });

  it("a relayed event's AMQP timestamp is when it was accepted, not when the relay published it", async () => {
    const run = randomUUID();
    proxy.cut();
    const acceptedBy = Math.ceil(Date.now() / 1000);
    const [spooled] = await sendSeries(router.url, run, 1);
    expect(spooled?.status).toBe(202);
    // Long enough that a relay-time stamp would be at least two seconds later.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    proxy.restore();
    await eventually(() => delivered([spooled!.id]), 15_000, "the spooled event relayed");
    const message = tap.messages.find((m) => m.properties.messageId === spooled!.id);
    expect(message?.properties.timestamp).toBeLessThanOrEqual(acceptedBy);
  });

  it("spools after PUBLISH_TIMEOUT_MS when the broker hangs, and delivers everything (at least once) when it resumes", async () => {
    const run = randomUUID();
    proxy.pause();
    const started = performance.now();
    const first = await sendSeries(router.url, run, 1);
    const firstMs = performance.now() - started;
    // The first waits out the confirm timeout; the rest join the spool at once (it is not empty).
    expect(firstMs).toBeGreaterThanOrEqual(290);
    const rest = await sendSeries(router.url, run, 20, 1);
    expect([...first, ...rest].map((answer) => answer.status)).toEqual(Array(21).fill(202));
    expect((await readyz(router.url)).body).toMatchObject({ events: "spool", spool: { count: 21 } });

    proxy.resume();
    const accepted = [...first, ...rest].map((answer) => answer.id);
    await eventually(() => delivered(accepted), 15_000, "every accepted event delivered");
    expectOrderedPerSource(messageIds(tap.messages), run);
    await eventually(async () => (await readyz(router.url)).body.events === "broker", 5000, "back to direct publishing");
  });

  it("drains a slow broker whose confirms come later than PUBLISH_TIMEOUT_MS", async () => {
    const run = randomUUID();
    proxy.delay(500);
    const answers = await sendSeries(router.url, run, 12);
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(202));
    const accepted = answers.map((answer) => answer.id);
    await eventually(() => delivered(accepted), 15_000, "every accepted event delivered");
    expectOrderedPerSource(messageIds(tap.messages), run);
    proxy.delay(0);
    await eventually(async () => (await readyz(router.url)).body.events === "broker", 5000, "back to direct publishing");
  });
});
