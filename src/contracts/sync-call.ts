import type { NormalizedEvent } from "./normalized-event.js";

/**
 * A synchronous API call (`POST /api/{endpointId}`) sent to its route's queue, RPC-style over
 * RabbitMQ's direct reply-to: the ingress publishes the event with `replyTo` and a correlation
 * id, a worker runs the route and publishes the answer back. The ingress sees only this port.
 */
export interface SyncCaller {
  /**
   * Resolves once the event is confirmed in `routeId`'s queue and then either answered or past
   * `deadlineMs` (counted from the call). Rejects with SinkUnavailableError when the broker cannot
   * take it (nothing was sent: the caller gets 503).
   */
  call(routeId: string, event: NormalizedEvent, deadlineMs: number): Promise<SyncReply>;
  /**
   * An asynchronous call: resolves once the event is confirmed in `routeId`'s queue, carrying its
   * callback URL; the worker POSTs the result there. Rejects with SinkUnavailableError as `call`.
   */
  send(routeId: string, event: NormalizedEvent, callbackUrl: string): Promise<void>;
  readonly ready: boolean;
}

/** The worker's answer (status and JSON body text), or none within the deadline. */
export type SyncReply =
  | SyncAnswered
  /** `late` resolves with the answer if it comes after all (the work goes on), or undefined once nobody waits any more. */
  | { readonly kind: "deadline"; readonly late: Promise<SyncAnswered | undefined> };

export interface SyncAnswered {
  readonly kind: "answer";
  readonly status: number;
  readonly body: string;
}

/** The AMQP header of a reply message that carries the HTTP status the caller gets. */
export const SYNC_STATUS_HEADER = "x-sync-status";

/** The AMQP header of an asynchronous call's message that carries where its result goes. */
export const CALLBACK_URL_HEADER = "x-callback-url";

/**
 * Set on the copy of an asynchronous call whose callback POST is retried: its body is then the
 * callback's payload (the route has run; only the POST is left to do).
 */
export const CALLBACK_PAYLOAD_HEADER = "x-callback-payload";

/**
 * How an API call ended for its caller, as the delivery log records it: `accepted` (async: `202`),
 * `answered` (sync: the route's answer, whatever its status, or the one kept for its Idempotency-Key),
 * `timed-out` (sync: `504 deadline_exceeded`; the call still runs), `rejected` (its request schema: `422`).
 */
export type ApiCallStatus = "accepted" | "answered" | "timed-out" | "rejected";

/** RabbitMQ's direct reply-to pseudo-queue. */
export const DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

/** What the state store keeps of a call made with an `Idempotency-Key`. */
export type IdempotentEntry =
  /** No call with this key in the window: this one goes ahead (the key is now held as pending). */
  | { readonly kind: "new" }
  /** A call with this key is still running (or died before answering, until `pendingMs` passes). */
  | { readonly kind: "pending" }
  /** The first call's answer, returned again. */
  | { readonly kind: "done"; readonly status: number; readonly body: string };

/** `Idempotency-Key`s of synchronous calls, per endpoint, kept for a window (state store). */
export interface IdempotencyStore {
  /** Takes the key for this call, or says why not; `pendingMs` bounds how long a call may hold it unanswered. */
  begin(endpointId: string, key: string, pendingMs: number): Promise<IdempotentEntry>;
  /** Stores the answer for `windowMs`. */
  finish(endpointId: string, key: string, status: number, body: string, windowMs: number): Promise<void>;
  /** Lets the key go without an answer (the call was refused before anything ran). */
  abandon(endpointId: string, key: string): Promise<void>;
}
