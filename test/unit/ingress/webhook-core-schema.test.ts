import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { MAX_VIOLATIONS } from "../../../src/contracts/ingress-errors.js";
import { SchemaViolationError } from "../../../src/ingress/http-error.js";
import { buildPipelines } from "../../../src/ingress/source-pipeline.js";
import { createWebhookCore, type Refusal } from "../../../src/ingress/webhook-core.js";
import { createSigner } from "../../../src/verify/index.js";
import { memorySink } from "./memory-sink.js";

// The request-schema fixture: `orders` checks order.created against a file and anything else
// against an inline default; `plain` has no schema. The only stand-in is the event sink port.
const table = loadRoutes("test/fixtures/routes/request-schema", {});
const signer = createSigner(table.sources.get("orders")!.verify);
const receivedAt = new Date("2026-03-01T12:00:00.000Z");

async function receive(sourceId: string, payload: unknown, headers?: Record<string, string>) {
  const sink = memorySink();
  const core = createWebhookCore({ pipelines: buildPipelines(table), sink, clientKey: (address) => address });
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signed = headers ?? signer.sign(rawBody, receivedAt.getTime());
  const admitted = await core.admit(sourceId, signed, "203.0.113.9");
  if (!admitted.ok) throw new Error(`refused at admission: ${admitted.error.code}`);
  const result = await core.receive(admitted, { rawBody, headers: signed, urlEventName: undefined, receivedAt }, { release() {} });
  return { result, sink };
}

const order = { id: "evt_1", kind: "order.created", orderId: "ord_1", total: 12.5 };

describe("request schemas in the webhook core", () => {
  it("accepts a body that matches its event's schema and hands it to the sink", async () => {
    const { result, sink } = await receive("orders", order);
    expect(result).toMatchObject({ ok: true, id: "evt_1" });
    expect(sink.events).toHaveLength(1);
  });

  it("refuses a body that does not: 422 schema_violation, each violation a pointer and a message, nothing published", async () => {
    const { result, sink } = await receive("orders", { ...order, orderId: 42, total: -1, lines: [{ sku: "a", quantity: 0 }] });
    const refusal = result as Refusal;
    expect(refusal.ok).toBe(false);
    expect(refusal.error).toBeInstanceOf(SchemaViolationError);
    expect(refusal.error).toMatchObject({ code: "schema_violation", status: 422, retryable: false });
    expect(refusal.error.toBody()).toEqual({
      error: "schema_violation",
      message: "the body does not match the schema for order.created (3 violations)",
      violations: [
        { pointer: "/orderId", message: "must be string" },
        { pointer: "/total", message: "must be >= 0" },
        { pointer: "/lines/0/quantity", message: "must be >= 1" },
      ],
    });
    // The event is known (the delivery log records the rejection), but the sink never saw it.
    expect(refusal.event).toMatchObject({ id: "evt_1", type: "orders.order.created" });
    expect(sink.events).toHaveLength(0);
  });

  it("uses the default schema for an event name without its own", async () => {
    const { result } = await receive("orders", { kind: "order.updated" });
    expect((result as Refusal).error.toBody()).toMatchObject({ violations: [{ pointer: "/id", message: "is required" }] });
  });

  it(`lists at most ${MAX_VIOLATIONS} violations and counts the rest in \`omitted\``, async () => {
    const lines = Array.from({ length: 25 }, () => ({ sku: 1, quantity: 1 }));
    const { result } = await receive("orders", { ...order, lines });
    const body = ((result as Refusal).error as SchemaViolationError).toBody();
    expect(body.violations).toHaveLength(MAX_VIOLATIONS);
    expect(body.violations[0]).toEqual({ pointer: "/lines/0/sku", message: "must be string" });
    expect(body.omitted).toBe(5);
    expect(body.message).toContain("(25 violations)");
  });

  it("verifies before it validates: a bad signature is a 401, whatever the body", async () => {
    const signedElse = signer.sign(Buffer.from("{}"), receivedAt.getTime());
    const { result } = await receive("orders", { kind: "order.created" }, signedElse);
    expect((result as Refusal).error).toMatchObject({ code: "invalid_signature", status: 401 });
  });

  it("lets anything through a source without a schema", async () => {
    const { result } = await receive("plain", { kind: "order.created", anything: true });
    expect(result).toMatchObject({ ok: true });
  });
});
