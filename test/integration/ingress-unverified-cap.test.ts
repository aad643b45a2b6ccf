import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned } from "../helpers/post.js";
import { postHead, rawRequest } from "../helpers/raw-http.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

const KIB = 1024;
/** Well-formed, so it passes the header pre-check and must be read; signed with nothing. */
const junkSignature = () => ({ "X-Tracktile-Signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` });
const order = JSON.stringify({ kind: "order.created", id: "evt_cap_1" });

// UNVERIFIED_BYTES_MAX=256kb: bodies over 64 KiB may hold 192 KiB of it together, small ones all.
describe("the cap on bytes held by requests not yet verified", () => {
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter({ UNVERIFIED_BYTES_MAX: "256kb" });
  });
  afterAll(async () => {
    await router?.close();
  });

  it("past the cap: 503 unavailable with Retry-After before reading, logged and counted as overloaded", async () => {
    const first = rawRequest(router.url, postHead("/webhooks/tracktile", 100 * KIB, junkSignature()), Buffer.alloc(10 * KIB, 0x20));
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the router take the first one's share
    const second = rawRequest(router.url, postHead("/webhooks/tracktile", 100 * KIB, junkSignature()), Buffer.alloc(10 * KIB, 0x20));
    const refused = await within(3000, second.response);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text)).toMatchObject({ error: "unavailable" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.headers.connection).toBe("close");
    expect(router.logs.findLast((line) => line.status === 503)).toMatchObject({ source: "tracktile", reason: "overloaded" });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_requests_total\{source="tracktile",status="503",reason="overloaded"\} 1/);

    // A small signed delivery still has room while the large junk holds its share.
    expect((await postSigned(router.url, "tracktile", order)).status).toBe(202);

    // The first junk body, once complete, fails verification and gives its share back.
    first.send(Buffer.alloc(90 * KIB, 0x20));
    expect((await within(3000, first.response)).status).toBe(401);
    const third = rawRequest(router.url, postHead("/webhooks/tracktile", 100 * KIB, junkSignature()), Buffer.alloc(100 * KIB, 0x20));
    expect((await within(3000, third.response)).status).toBe(401);
    third.socket.destroy();
    first.socket.destroy();
  });

  it("a chunked body, with no length to reserve up front, is counted as it arrives", async () => {
    const head = [
      "POST /webhooks/tracktile HTTP/1.1",
      "Host: localhost",
      "Transfer-Encoding: chunked",
      ...Object.entries(junkSignature()).map(([k, v]) => `${k}: ${v}`),
    ].join("\r\n");
    const request = rawRequest(router.url, head);
    const chunk = Buffer.alloc(32 * KIB, 0x20);
    for (let i = 0; i < 7; i += 1) request.send(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
    const refused = await within(3000, request.response);
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe("close");
    // Its share was given back: a large junk body fits again.
    const next = rawRequest(router.url, postHead("/webhooks/tracktile", 100 * KIB, junkSignature()), Buffer.alloc(100 * KIB, 0x20));
    expect((await within(3000, next.response)).status).toBe(401);
    next.socket.destroy();
  });
});
