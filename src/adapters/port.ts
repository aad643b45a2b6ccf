import type { DeliveryReceipt } from "../contracts/outcome.js";
import type { CloudEvent } from "../contracts/cloud-event.js";

/**
 * The port every destination adapter implements: deliver one mapped event to one system of record.
 *
 * Promises:
 * - `deliver` resolves only when the target has accepted the call (2xx, or the API's own success
 *   signal — Odoo answers errors with HTTP 200) and rejects with a DeliveryError otherwise, or
 *   with a TemplateValueError (before anything is sent) when the event has no safe value for a
 *   URL or routing-key placeholder: the worker dead-letters that as `mapping`.
 * - The event id is passed as the target's idempotency key where its API has one, or the adapter
 *   looks the record up by an external reference before creating it, so a retry never duplicates.
 * - It honours `signal` (the route's timeout): an aborted call rejects with a transient error.
 *
 * Does not promise: ordering, or retrying by itself — the worker decides retry vs dead-letter from
 * the error's `kind`. An adapter may refresh an expired token once and repeat the call.
 */
export interface Adapter {
  readonly kind: string;
  deliver(delivery: Delivery): Promise<DeliveryReceipt>;
  /** Releases connections (AMQP channels, keep-alive agents). */
  close?(): Promise<void>;
}

export interface Delivery {
  /** The CloudEvent id: the idempotency key. */
  readonly eventId: string;
  readonly routeId: string;
  /** The mapping's output; each adapter documents the shape it expects. */
  readonly payload: unknown;
  /**
   * The payload's exact JSON text, when the route has no mapping: the event's `data` as the sender
   * wrote it (big integers, `1e400`, `1.50` intact). An adapter that sends the payload as its JSON
   * body sends this text instead of serializing `payload`; one that builds its own body from the
   * payload's fields reads `payload`.
   */
  readonly payloadJson?: string | undefined;
  readonly event: CloudEvent;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly signal: AbortSignal;
  /**
   * The destination's limits, when it has any: every call to the target passes it first (see
   * CallGate). The worker has already taken the first call's turn and the in-flight place.
   */
  readonly gate?: CallGate | undefined;
}

/**
 * Lets a call to the target through only within the destination's declared limits, shared by
 * every worker. An adapter passes it in each call's context (http-call.ts), never to a token
 * endpoint: that host's calls are not the API's.
 */
export interface CallGate {
  /** Resolves when this call may go; rejects (transient) if `signal` aborts meanwhile. */
  beforeCall(signal: AbortSignal): Promise<void>;
}

/**
 * Why a delivery failed, and so what happens next:
 * - `transient`: network error, timeout, 408/425/429/5xx — retried with backoff (honouring
 *   `retryAfterMs`);
 * - `permanent`: other 4xx, a rejected payload — dead-lettered at once;
 * - `credentials`: 401/403, a bad API key — dead-lettered at once AND alerted: it will not heal by
 *   retrying.
 */
export type DeliveryErrorKind = "transient" | "permanent" | "credentials";

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
