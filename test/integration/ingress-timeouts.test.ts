import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postHead, rawRequest, type RawRequest } from "../helpers/raw-http.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

/** Sends one byte every `everyMs` until the connection is answered or closed. */
function dribble(request: RawRequest, byte: string, everyMs: number): void {
  const timer = setInterval(() => request.send(byte), everyMs);
  void request.closed.finally(() => clearInterval(timer));
  void request.response.then(
    () => clearInterval(timer),
    () => clearInterval(timer),
  );
}

// A client that sends slowly holds a connection (and a body's buffers) for as long as it likes
// unless the router cuts it: REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS, small here.
describe("clients too slow to send their request", () => {
  let router: TestRouter;

  beforeAll(async () => {
    router = await startTestRouter({ REQUEST_TIMEOUT_MS: "1000", HEADERS_TIMEOUT_MS: "500" });
  });
  afterAll(async () => {
    await router?.close();
  });

  it("a body dribbled a byte at a time is cut at REQUEST_TIMEOUT_MS: 408 JSON, one log line, counted", async () => {
    const signature = { "X-Tracktile-Signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` };
    const request = rawRequest(router.url, postHead("/webhooks/tracktile", 1000, signature), "{");
    dribble(request, " ", 100);
    const answer = await within(4000, request.response);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.text)).toMatchObject({ error: "request_timeout" });
    expect(answer.ms).toBeGreaterThanOrEqual(900);
    await within(3000, request.closed);
    const lines = router.logs.filter((line) => line.reason === "request_timeout");
    expect(lines).toEqual([expect.objectContaining({ source: "tracktile", status: 408 })]);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_requests_total\{source="tracktile",status="408",reason="request_timeout"\} 1/);
  });

  it("headers dribbled a line at a time are cut at HEADERS_TIMEOUT_MS: 408 JSON, logged, counted", async () => {
    // By hand: rawRequest ends the headers, and these must never end.
    const socket = connect(Number(new URL(router.url).port), "127.0.0.1");
    socket.on("error", () => {});
    socket.write("POST /webhooks/tracktile HTTP/1.1\r\nHost: localhost\r\n");
    const timer = setInterval(() => socket.write("X-Slow: 1\r\n"), 100);
    const started = performance.now();
    const text = await within(
      4000,
      new Promise<string>((resolve) => {
        let received = "";
        socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
        socket.once("close", () => resolve(received));
      }),
    );
    clearInterval(timer);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: "request_timeout" });
    expect(router.logs.findLast((line) => line.reason === "request_timeout" && line.source === undefined)).toMatchObject({ status: 408 });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_requests_total\{source="-",status="408",reason="request_timeout"\} 1/);
  });
});
