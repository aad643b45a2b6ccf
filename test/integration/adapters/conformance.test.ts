import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryError, DeliveryErrorKind } from "../../../src/adapters/port.js";
import { deliveryOf, failureOf } from "../../helpers/fakes/index.js";
import { conformanceCases, type ConformanceRun } from "./conformance-cases.js";

/**
 * The contract of src/adapters/port.ts, checked against every adapter that speaks HTTP: the same
 * behaviour, each through its own target's API (the fakes in test/helpers/fakes).
 */
describe.each(conformanceCases)("$name adapter conformance", (kase) => {
  let run: ConformanceRun;
  let sequence = 0;
  const reference = () => `PO-${8841 + sequence++}`;

  beforeEach(async () => {
    run = await kase.start();
  });
  afterEach(async () => {
    await run.close();
  });

  /** Delivers, expects a DeliveryError of `kind`, and checks no secret leaked into its message. */
  async function expectFailure(promise: Promise<unknown>, kind: DeliveryErrorKind): Promise<DeliveryError> {
    const error = await failureOf(promise);
    expect(error.kind, error.message).toBe(kind);
    for (const secret of run.secrets()) expect(error.message).not.toContain(secret);
    return error;
  }

  it("delivers the mapped call, exactly as the target's API expects it", async () => {
    const delivery = deliveryOf(run.payload(reference()));
    const receipt = await run.adapter().deliver(delivery);
    run.expectDelivered(delivery, receipt);
    expect(run.created()).toBe(1);
  });

  it("creates one record when the same event is delivered twice, even by a restarted worker", async () => {
    const delivery = deliveryOf(run.payload(reference()));
    await run.adapter().deliver(delivery);
    await run.adapter().deliver({ ...delivery, attempt: 2 });
    expect(run.created()).toBe(1);
  });

  it("creates one record when the first answer was lost to a timeout and the event is retried", async () => {
    const delivery = deliveryOf(run.payload(reference()));
    run.fake.delayNext(1, 1_000, (request) => run.isCreate(request));
    await expectFailure(run.adapter({ timeoutMs: 200 }).deliver(delivery), "transient");
    expect(run.created()).toBe(1);
    await run.adapter().deliver({ ...delivery, attempt: 2 });
    expect(run.created()).toBe(1);
  });

  it("treats 503 as transient", async () => {
    run.fake.failNext(1, 503, "<html>Service Unavailable</html>");
    const error = await expectFailure(run.adapter().deliver(deliveryOf(run.payload(reference()))), "transient");
    expect(error.status).toBe(503);
    expect(run.created()).toBe(0);
  });

  it("treats 429 as transient and honours Retry-After", async () => {
    run.fake.failNext(1, 429, { message: "Too Many Requests" }, { "retry-after": "7" });
    const error = await expectFailure(run.adapter().deliver(deliveryOf(run.payload(reference()))), "transient");
    expect(error.retryAfterMs).toBe(7_000);
  });

  it.each([400, 422])("treats %i as permanent", async (status) => {
    run.fake.failNext(1, status, { message: "The request is invalid", errors: { field: ["is wrong"] } });
    const error = await expectFailure(run.adapter().deliver(deliveryOf(run.payload(reference()))), "permanent");
    expect(error.status).toBe(status);
    expect(error.message).toContain("The request is invalid");
  });

  it("treats 401 as a credentials problem, after one token renewal where the adapter has one", async () => {
    const adapter = run.adapter();
    await adapter.deliver(deliveryOf(run.payload(reference())));
    const refreshesBefore = run.refreshes?.();
    const requestsBefore = run.apiRequests().length;
    run.fake.failNext(5, 401, { error: "invalid_token" });
    await expectFailure(adapter.deliver(deliveryOf(run.payload(reference()))), "credentials");
    const renewals = refreshesBefore === undefined ? 0 : 1;
    expect(run.refreshes?.()).toBe(refreshesBefore === undefined ? undefined : refreshesBefore + 1);
    expect(run.apiRequests().length - requestsBefore).toBe(1 + renewals);
  });

  it("treats a refused connection as transient", async () => {
    await run.fake.down();
    const error = await expectFailure(run.adapter().deliver(deliveryOf(run.payload(reference()))), "transient");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("treats a target slower than timeoutMs as transient", async () => {
    run.fake.delayNext(10, 1_000);
    const started = Date.now();
    const error = await expectFailure(run.adapter({ timeoutMs: 150 }).deliver(deliveryOf(run.payload(reference()))), "transient");
    expect(error.message).toContain("no answer within 150 ms");
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("treats an aborted delivery (the route's timeout) as transient", async () => {
    const controller = new AbortController();
    controller.abort();
    await expectFailure(run.adapter().deliver(deliveryOf(run.payload(reference()), { signal: controller.signal })), "transient");
    expect(run.created()).toBe(0);
  });

  it("never puts a secret in an error message, even when the target echoes it", async () => {
    const adapter = run.adapter();
    await adapter.deliver(deliveryOf(run.payload(reference())));
    const secrets = run.secrets();
    const echo = secrets.map((secret) => `Authorization: Bearer ${secret}; key=${secret}`).join(" | ");
    run.fake.failNext(1, 422, { message: "rejected", echo, access_token: secrets[0] });
    const error = await expectFailure(adapter.deliver(deliveryOf(run.payload(reference()))), "permanent");
    expect(error.message).toContain("rejected");
  });

  // The http adapter sends any payload; the others check its shape before calling.
  if (kase.badPayload !== undefined) {
    it("rejects a payload of the wrong shape as permanent without calling the target", async () => {
      await expectFailure(run.adapter().deliver(deliveryOf(kase.badPayload)), "permanent");
      expect(run.apiRequests()).toEqual([]);
    });
  }
});
