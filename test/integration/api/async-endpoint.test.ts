import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import type { RecordedRequest } from "../../helpers/fakes/fake-server.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const routes = (sinkUrl: string, callbackUrl: string) => `
sources:
  jobs:
    verify: { preset: header-token, header: x-token, secret: job-secret }
    api:
      route: job-run
      mode: async
      callback: { url: "${callbackUrl}/hook", allowRequestUrl: true, allowHttp: true, allowPrivate: true, secret: "${SECRET}" }
  strict-jobs:
    verify: { preset: header-token, header: x-token, secret: job-secret }
    api:
      route: strict-run
      mode: async
      callback: { allowRequestUrl: true, secret: "${SECRET}" }
destinations:
  erp: { kind: http, url: "${sinkUrl}/jobs/{payload.sku}", timeoutMs: 3000 }
routes:
  job-run:
    events: jobs.#
    destination: erp
    mapping: "{ 'sku': data.sku }"
    sync: true
    retry: { baseDelay: 100ms }
    response:
      mapping: "{ 'sku': $event.data.sku, 'record': id }"
  strict-run:
    events: strict-jobs.#
    destination: erp
    sync: true
`;

async function call(harness: WorkerHarness, body: unknown, headers: Record<string, string> = {}, endpoint = "jobs") {
  const response = await fetch(`${harness.router.url}/api/${endpoint}`, {
    method: "POST",
    headers: { "x-token": "job-secret", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The callback's payload, after checking its Standard Webhooks signature with the reference library. */
function verified(request: RecordedRequest): Record<string, unknown> {
  return new Webhook(SECRET).verify(request.body, request.headers) as Record<string, unknown>;
}

describe("POST /api/{endpointId} in async mode: 202 at once, the result POSTed to a signed callback", () => {
  let sink: FakeHttpSink;
  let receiver: FakeHttpSink;
  let harness: WorkerHarness;
  const callbacksFor = (id: unknown) => receiver.requests.filter((request) => (request.json as { id?: unknown })?.id === id);

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ status: 200 });
    receiver = await FakeHttpSink.start({ status: 204 });
    harness = await startWorkerHarness(routes(sink.url, receiver.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
    await receiver?.close();
  });

  it("answers 202 {id} before the route runs, then POSTs the mapped result, correctly signed", async () => {
    // The destination takes 1.5 s: an answer well before that cannot have waited for the route.
    sink.delayNext(1, 1500);
    const started = Date.now();
    const answer = await call(harness, { sku: "SKU-1" });
    expect(answer.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(1000);
    const { id } = answer.body;
    expect(typeof id).toBe("string");
    await eventually(() => callbacksFor(id).length === 1, 5000, "the callback");
    const [callback] = callbacksFor(id);
    expect(callback?.path).toBe("/hook");
    expect(callback?.headers["webhook-id"]).toBe(id);
    expect(verified(callback!)).toEqual({ id, status: 200, body: { sku: "SKU-1", record: expect.any(String) } });
    expect(sink.requestsTo("/jobs/SKU-1")).toHaveLength(1);
  });

  it("POSTs to the caller's X-Callback-Url when the endpoint allows one", async () => {
    const answer = await call(harness, { sku: "SKU-2" }, { "x-callback-url": `${receiver.url}/mine?ref=7` });
    expect(answer.status).toBe(202);
    await eventually(() => callbacksFor(answer.body.id).length === 1, 5000, "the callback");
    const [callback] = callbacksFor(answer.body.id);
    expect(callback?.path).toBe("/mine");
    expect(callback?.query).toEqual({ ref: "7" });
  });

  it("reports a destination error in the callback with its status", async () => {
    sink.failNext(1, 404, { message: "no such sku" });
    const answer = await call(harness, { sku: "SKU-404" });
    expect(answer.status).toBe(202);
    await eventually(() => callbacksFor(answer.body.id).length === 1, 5000, "the callback");
    expect(verified(callbacksFor(answer.body.id)[0]!)).toMatchObject({
      id: answer.body.id,
      status: 422,
      error: { error: "destination_rejected", message: expect.stringContaining("no such sku") },
    });
  });

  it("refuses a callback URL that is http or names a private address with 400, before anything is queued", async () => {
    const before = sink.requests.length;
    for (const url of [
      "http://example.com/hook",
      "https://127.0.0.1/hook",
      "https://10.1.2.3/hook",
      "https://[::1]/hook",
      "https://localhost/hook",
    ]) {
      const answer = await call(harness, { sku: "SKU-X" }, { "x-callback-url": url }, "strict-jobs");
      expect([url, answer.status, answer.body.error]).toEqual([url, 400, "invalid_callback_url"]);
    }
    expect((await call(harness, { sku: "SKU-X" }, {}, "strict-jobs")).status).toBe(400);
    expect(sink.requests.length).toBe(before);
  });

  it("retries a callback that fails twice, then delivers it once; the route ran once", async () => {
    receiver.failNext(2, 503);
    const answer = await call(harness, { sku: "SKU-RETRY" });
    expect(answer.status).toBe(202);
    await eventually(() => callbacksFor(answer.body.id).length === 3, 8000, "three callback tries");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const tries = callbacksFor(answer.body.id);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((request) => request.headers["webhook-id"]))).toEqual(new Set([answer.body.id]));
    for (const request of tries) expect(verified(request)).toMatchObject({ status: 200, body: { sku: "SKU-RETRY" } });
    expect(sink.requestsTo("/jobs/SKU-RETRY")).toHaveLength(1);
  });

  it("dead-letters the callback's payload when the receiver refuses it for good (410)", async () => {
    receiver.failNext(1, 410);
    const answer = await call(harness, { sku: "SKU-GONE" });
    expect(answer.status).toBe(202);
    const dead = await harness.nextIn(`${harness.prefix}job-run.dead`);
    expect(JSON.parse(dead.content.toString())).toMatchObject({ id: answer.body.id, status: 200, body: { sku: "SKU-GONE" } });
    expect(dead.properties.headers).toMatchObject({ "x-error-kind": "permanent", "x-callback-url": `${receiver.url}/hook` });
    expect(callbacksFor(answer.body.id)).toHaveLength(1);
  });
});
