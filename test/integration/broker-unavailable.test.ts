import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned } from "../helpers/post.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

const order = readFileSync("test/fixtures/tracktile/order.status.changed.json", "utf8");

describe("when the broker cannot be reached at start-up", () => {
  let router: TestRouter;

  beforeAll(async () => {
    // Port 1 on loopback refuses connections: a broker that is down. (Recovery is covered by
    // test/integration/spool with a proxy that can be cut and restored.)
    router = await startTestRouter({ AMQP_URL: "amqp://guest:guest@127.0.0.1:1" }, { waitUntilReady: false });
  });
  afterAll(async () => {
    await router?.close();
  });

  it("still starts, answers /healthz, and is ready because the spool can take events", async () => {
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${router.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", events: "spool" });
  });

  it("answers 202 once the event is fsync'd to the spool, and /readyz shows the depth", async () => {
    const answer = await postSigned(router.url, "tracktile", order);
    expect(answer).toMatchObject({ status: 202, body: { id: "evt_ord_7f3a91" } });
    const ready = (await (await fetch(`${router.url}/readyz`)).json()) as { spool: { count: number } };
    expect(ready.spool.count).toBe(1);
  });

  it("never logs the broker password", () => {
    expect(JSON.stringify(router.logs)).not.toMatch(/guest:guest/);
  });
});
