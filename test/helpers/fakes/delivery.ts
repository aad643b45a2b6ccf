import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { DeliveryError, type Delivery } from "../../../src/adapters/port.js";
import type { CloudEvent } from "../../../src/contracts/cloud-event.js";

/** A realistic CloudEvent: a Tracktile order webhook as the ingress normalizes it. */
export function sampleEvent(overrides: Partial<CloudEvent> = {}): CloudEvent {
  return {
    specversion: "1.0",
    id: `evt-${randomUUID()}`,
    source: "tracktile",
    type: "tracktile.order.created",
    time: "2026-09-14T08:30:00.000Z",
    datacontenttype: "application/json",
    subject: "orders/8841",
    data: { orderId: "PO-8841", customer: { id: 58, email: "buyer@example.com" }, lines: [{ sku: "SKU-001", quantity: 5, unitPrice: 12.5 }] },
    ...overrides,
  };
}

/** A Delivery of `payload` for `event` (a fresh sample by default), first attempt, no deadline. */
export function deliveryOf(
  payload: unknown,
  options: { event?: CloudEvent; routeId?: string; attempt?: number; signal?: AbortSignal } = {},
): Delivery {
  const event = options.event ?? sampleEvent();
  return {
    eventId: event.id,
    routeId: options.routeId ?? "orders-to-target",
    payload,
    event,
    attempt: options.attempt ?? 1,
    signal: options.signal ?? new AbortController().signal,
  };
}

/** A logger that writes nothing, for adapters under test. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** Awaits a delivery expected to fail; rejects unless it fails with a DeliveryError. */
export async function failureOf(delivery: Promise<unknown>): Promise<DeliveryError> {
  const outcome = await delivery.then(
    (receipt) => ({ receipt }),
    (error: unknown) => ({ error }),
  );
  if ("receipt" in outcome) throw new Error(`expected the delivery to fail, it succeeded with ${JSON.stringify(outcome.receipt)}`);
  if (!(outcome.error instanceof DeliveryError)) throw outcome.error;
  return outcome.error;
}
