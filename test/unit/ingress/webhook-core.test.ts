import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { type EventSink, SinkUnavailableError } from "../../../src/contracts/event-sink.js";
import { buildPipelines } from "../../../src/ingress/source-pipeline.js";
import { type Admitted, createWebhookCore, type Refusal, type WebhookCore } from "../../../src/ingress/webhook-core.js";
import { createSigner } from "../../../src/verify/index.js";
import { memorySink } from "./memory-sink.js";

// Real pipelines from a routing table (a tracktile-signed source and a rate-limited token one); the
// only stand-in is the event sink port. No broker, no HTTP server: request facts in, results out.
const table = loadRoutes("test/fixtures/routes/webhook-core", {});
const signed = table.sources.get("signed");
if (!signed) throw new Error("fixture without the `signed` source");
const signer = createSigner(signed.verify);

const receivedAt = new Date("2026-03-01T12:00:00.000Z");
const body = Buffer.from('{"id":"evt_1","kind":"order.created","orderId":"o-7"}');
const signedHeaders = (raw: Buffer, atMs = receivedAt.getTime()) => signer.sign(raw, atMs);

/** Counts releases of the unverified bytes, so each test can see they were given back. */
function holding(): { release(): void; released: number } {
  return {
    released: 0,
    release() {
      this.released++;
    },
  };
}

function coreWith(sink: EventSink): WebhookCore {
  return createWebhookCore({ pipelines: buildPipelines(table), sink, clientKey: (address) => address });
}

async function admit(core: WebhookCore, sourceId: string, headers: Record<string, string>): Promise<Admitted> {
  const admitted = await core.admit(sourceId, headers, "203.0.113.9");
  if (!admitted.ok) throw new Error(`refused at admission: ${admitted.error.code}`);
  return admitted;
}

function refused(result: { ok: boolean }): Refusal {
  expect(result.ok).toBe(false);
  return result as Refusal;
}

describe("the webhook core, request facts in, typed results out", () => {
  it("accepts a signed event: its id, the normalized event and where the sink put it", async () => {
    const sink = memorySink();
    const core = coreWith(sink);
    const headers = signedHeaders(body);
    const admitted = await admit(core, "signed", headers);
    expect(admitted).toMatchObject({ sourceId: "signed", bodyLimit: 4096 });
    const unverified = holding();
    const result = await core.receive(admitted, { rawBody: body, headers, urlEventName: undefined, receivedAt }, unverified);
    expect(result).toMatchObject({ ok: true, id: "evt_1", via: "spool", event: { id: "evt_1", routingKey: "signed.order.created" } });
    expect(sink.events.map((event) => event.id)).toEqual(["evt_1"]);
    expect(unverified.released).toBe(1);
  });

  it("refuses an unknown source from the source id alone", async () => {
    const result = refused(await coreWith(memorySink()).admit("nope", {}, "203.0.113.9"));
    expect(result.error).toMatchObject({ code: "unknown_source", status: 404, message: 'no source "nope" is configured' });
  });

  it.each([
    ["missing", {}, "missing_signature"],
    ["malformed", { "x-tracktile-signature": "not-a-signature" }, "malformed_signature"],
  ])("refuses a %s signature header before the body exists", async (_, headers, reason) => {
    const result = refused(await coreWith(memorySink()).admit("signed", headers, "203.0.113.9"));
    expect(result.error).toMatchObject({ code: "invalid_signature", status: 401, detail: { verification: reason } });
    expect(result.event).toBeUndefined();
  });

  it("refuses the rate limit's excess with its Retry-After, before the signature header is looked at", async () => {
    const core = coreWith(memorySink());
    await admit(core, "limited", { "x-token": "limited-secret" });
    const result = refused(await core.admit("limited", {}, "203.0.113.9"));
    expect(result.error).toMatchObject({ code: "rate_limited", status: 429 });
    expect(result.error.retryAfterSeconds).toBeGreaterThan(0);
    // Another client has its own window.
    expect((await core.admit("limited", { "x-token": "limited-secret" }, "198.51.100.1")).ok).toBe(true);
  });

  it.each([
    ["a wrong signature", () => signedHeaders(Buffer.from("other bytes")), receivedAt, "bad_signature"],
    ["a stale timestamp", () => signedHeaders(body), new Date(receivedAt.getTime() + 3_600_000), "timestamp_out_of_tolerance"],
  ])("refuses %s after reading, and gives the unverified bytes back", async (_, headersOf, at, reason) => {
    const sink = memorySink();
    const core = coreWith(sink);
    const headers = headersOf();
    const unverified = holding();
    const result = refused(
      await core.receive(await admit(core, "signed", headers), { rawBody: body, headers, urlEventName: undefined, receivedAt: at }, unverified),
    );
    expect(result.error).toMatchObject({ code: "invalid_signature", status: 401, detail: { verification: reason } });
    expect(unverified.released).toBe(1);
    expect(sink.events).toEqual([]);
  });

  it.each([
    ["not JSON", "{oops", undefined, "invalid_body", /not valid JSON/],
    ["empty", "", undefined, "invalid_body", /empty body/],
    ["nameless", '{"id":"evt_2"}', undefined, "invalid_event", /cannot tell which event this is/],
    ["badly named", '{"id":"evt_3"}', "has space", "invalid_event", /event name/],
  ])("refuses a verified but %s body with 400", async (_, text, urlEventName, code, message) => {
    const sink = memorySink();
    const core = coreWith(sink);
    const rawBody = Buffer.from(text);
    const headers = signedHeaders(rawBody);
    const result = refused(await core.receive(await admit(core, "signed", headers), { rawBody, headers, urlEventName, receivedAt }, holding()));
    expect(result.error).toMatchObject({ code, status: 400, message: expect.stringMatching(message) });
    expect(sink.events).toEqual([]);
  });

  it("refuses with 503, Retry-After and the broker's reason when the sink cannot take the event", async () => {
    const unverified = holding();
    let releasedBeforeSink = false;
    const core = coreWith(
      memorySink(() => {
        releasedBeforeSink = unverified.released === 1;
        return new SinkUnavailableError("broker down", "not_connected");
      }),
    );
    const headers = signedHeaders(body);
    const result = refused(
      await core.receive(await admit(core, "signed", headers), { rawBody: body, headers, urlEventName: undefined, receivedAt }, unverified),
    );
    expect(result.error).toMatchObject({ code: "unavailable", status: 503, retryAfterSeconds: 5, detail: { broker: "not_connected" } });
    expect(result.error.toBody()).toEqual({ error: "unavailable", message: "cannot take events right now; retry later" });
    // The event is in the refusal, so the log line can name it.
    expect(result.event?.id).toBe("evt_1");
    // Verified bytes are the sender's: the budget has them back before the sink is even asked.
    expect(releasedBeforeSink).toBe(true);
  });

  it("answers an unexpected failure as internal, keeping what was thrown for the log only", async () => {
    const boom = new TypeError("sink bug");
    const core = coreWith(memorySink(() => boom));
    const headers = signedHeaders(body);
    const result = refused(
      await core.receive(await admit(core, "signed", headers), { rawBody: body, headers, urlEventName: undefined, receivedAt }, holding()),
    );
    expect(result.error).toMatchObject({ code: "internal", status: 500, message: "internal error" });
    expect(result.cause).toBe(boom);
  });
});
