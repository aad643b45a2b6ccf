import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned } from "../helpers/post.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

const order = readFileSync("test/fixtures/tracktile/order.status.changed.json", "utf8");

describe("when the broker cannot be reached", () => {
  let router: TestRouter;

  beforeAll(async () => {
    // Port 1 on loopback refuses connections: a broker that is down.
    router = await startTestRouter({ AMQP_URL: "amqp://guest:guest@127.0.0.1:1" }, { waitUntilReady: false });
  });
  afterAll(async () => {
    await router?.close();
  });

  it("still starts, answers /healthz, and says it is not ready", async () => {
    expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${router.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not_ready", events: "unavailable" });
  });

  it("answers 503 with Retry-After instead of accepting what it cannot keep", async () => {
    const answer = await postSigned(router.url, "tracktile", order);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(answer.body).toMatchObject({ error: "unavailable" });
  });

  it("never logs the broker password", () => {
    expect(JSON.stringify(router.logs)).not.toMatch(/guest:guest/);
  });
});
