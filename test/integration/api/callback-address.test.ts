import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallbackSettings, postCallback } from "../../../src/worker/callback-post.js";

// The ingress checks a caller's callback URL once; the worker connects later and resolves the name
// again. What it connects to must be public too, or a DNS answer that changed in between (DNS
// rebinding) would reach the network the router runs in. `localhost` plays the changed answer.
describe("the worker's callback POST to a caller's URL", () => {
  let receiver: Server;
  let received = 0;
  let port = 0;
  const settings: CallbackSettings = {
    secret: `whsec_${Buffer.from("a-test-secret-of-32-bytes-length").toString("base64")}`,
    timeoutMs: 2000,
    attempts: 5,
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0 },
    publicOnly: true,
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received += 1;
      request.resume();
      response.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    port = (receiver.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("does not connect when the name now resolves to a private address, and dead-letters the payload", async () => {
    const before = received;
    const outcome = await postCallback(`http://localhost:${port}/hook`, "{}", "call-1", 1, settings);
    expect(received - before).toBe(0);
    expect(outcome).toMatchObject({ kind: "dead", reason: "permanent" });
    expect(outcome?.error).toMatch(/not a public address/);
  });

  it("does not connect to a private address literal either", async () => {
    const before = received;
    const outcome = await postCallback(`http://127.0.0.1:${port}/hook`, "{}", "call-2", 1, settings);
    expect(received - before).toBe(0);
    expect(outcome).toMatchObject({ kind: "dead", reason: "permanent" });
  });

  it("posts to the endpoint's configured URL wherever it is: the operator chose it", async () => {
    const url = `http://localhost:${port}/hook`;
    const before = received;
    const outcome = await postCallback(url, "{}", "call-3", 1, { ...settings, configuredUrl: url });
    expect(outcome).toBeUndefined();
    expect(received - before).toBe(1);
  });
});
