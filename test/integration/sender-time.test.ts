import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tapExchange, type QueueTap } from "../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

const SOURCES = `
sources:
  clock:
    verify: { preset: header-token, header: x-token, secret: clock-secret }
    event: { type: body:kind, id: body:id, time: body:time }
  stamped:
    verify: { preset: header-token, header: x-token, secret: clock-secret }
    event: { type: body:kind, id: body:id, time: header:webhook-timestamp, timeFormat: unix-seconds }
`;

describe("the CloudEvent time: the sender's when usable, else the receive time, said in the log", () => {
  let tap: QueueTap;
  let router: TestRouter;

  beforeAll(async () => {
    const routesDir = mkdtempSync(join(tmpdir(), "wr-routes-"));
    writeFileSync(join(routesDir, "sources.yaml"), SOURCES);
    tap = await tapExchange();
    router = await startTestRouter({ ROUTES_DIR: routesDir, AMQP_EXCHANGE: tap.exchange });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
  });

  async function send(source: string, body: string, headers: Record<string, string> = {}) {
    const before = tap.messages.length;
    const response = await fetch(`${router.url}/webhooks/${source}`, { method: "POST", headers: { "x-token": "clock-secret", ...headers }, body });
    expect(response.status).toBe(202);
    const [message] = (await tap.waitFor(before + 1)).slice(before);
    const { id, time } = JSON.parse(message!.content.toString("utf8")) as { id: string; time: string };
    const line = router.logs.find((entry) => entry.msg === "webhook accepted" && entry.id === id);
    return { time, line };
  }

  it.each([
    ['"time":0', "t-zero"],
    ['"time":"+275760-09-13T00:00:00Z"', "t-far"],
    ['"time":"2026-02-30T00:00:00Z"', "t-feb30"],
  ])("%s: the receive time, and timeFallback in the request's log line", async (field, id) => {
    const started = Date.now();
    const { time, line } = await send("clock", `{"kind":"tick","id":"${id}",${field}}`);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
    expect(line).toMatchObject({ status: 202, timeFallback: "not RFC 3339" });
  });

  it("an RFC 3339 time with an offset is kept, in UTC, and the log line has no timeFallback", async () => {
    const { time, line } = await send("clock", '{"kind":"tick","id":"t-ok","time":"2026-11-20T14:03:11.5+01:00"}');
    expect(time).toBe("2026-11-20T13:03:11.500Z");
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty("timeFallback");
  });

  it("unix seconds from a header, where the source says so", async () => {
    const { time } = await send("stamped", '{"kind":"tick","id":"t-unix"}', { "webhook-timestamp": "1732100000" });
    expect(time).toBe("2024-11-20T10:53:20.000Z");
  });
});
