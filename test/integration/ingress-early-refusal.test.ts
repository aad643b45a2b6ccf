import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postHead, rawRequest, type RawResponse } from "../helpers/raw-http.js";
import { lastRequestLog, startTestRouter, type TestRouter } from "../helpers/router.js";

/** Fails a test that would otherwise hang until the client's body is complete. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

const ALMOST_1_MIB = 1_000_000;
const FIRST_PART = Buffer.alloc(16 * 1024, 0x20);

// A sender whose headers already condemn its request is answered at once: its body is neither
// waited for nor held, so junk uploads cost the router no memory.
describe("requests refused from their headers, before the body is read", () => {
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter({});
  });
  afterAll(async () => {
    await router?.close();
  });

  /** Sends the headers and the first 16 KiB of an almost-1 MiB body, then nothing more. */
  async function refusedMidUpload(path: string, headers: Record<string, string>): Promise<RawResponse> {
    const request = rawRequest(router.url, postHead(path, ALMOST_1_MIB, headers), FIRST_PART);
    const answer = await within(3000, request.response);
    // The rest will not be read: the router closes the connection rather than wait for it.
    expect(answer.headers.connection).toBe("close");
    await within(3000, request.closed);
    return answer;
  }

  it("no signature header: 401 missing_signature while the body is still arriving", async () => {
    const answer = await refusedMidUpload("/webhooks/tracktile", {});
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: "invalid_signature", message: expect.stringMatching(/X-Tracktile-Signature/) });
    expect(lastRequestLog(router)).toMatchObject({
      source: "tracktile",
      status: 401,
      reason: "invalid_signature",
      verification: "missing_signature",
    });
  });

  it("a malformed signature header: 401 malformed_signature, counted as a verification failure", async () => {
    const answer = await refusedMidUpload("/webhooks/tracktile", { "X-Tracktile-Signature": "garbage" });
    expect(answer.status).toBe(401);
    expect(lastRequestLog(router)).toMatchObject({ status: 401, verification: "malformed_signature" });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_verification_failures_total\{source="tracktile",reason="malformed_signature"\} [1-9]/);
  });

  it("an unknown source: 404 while the body is still arriving", async () => {
    const answer = await refusedMidUpload("/webhooks/nobody", { "X-Tracktile-Signature": `t=1,v1=${"0".repeat(64)}` });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error: "unknown_source" });
  });

  it("a small body refused whole keeps its connection: the client reads a clean 401, not a reset", async () => {
    const body = '{"kind":"order.created"}';
    const request = rawRequest(router.url, postHead("/webhooks/tracktile", body.length), body);
    const answer = await within(3000, request.response);
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).not.toBe("close");
    request.socket.destroy();
  });
});
