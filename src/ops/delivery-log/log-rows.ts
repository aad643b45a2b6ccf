import type { NormalizedEvent } from "../../contracts/normalized-event.js";
import type { AcceptedVia } from "../../contracts/event-sink.js";
import type { Outcome } from "../../contracts/outcome.js";
import type { ApiCallStatus } from "../../contracts/sync-call.js";

/** A route's current state for one event, as the delivery log keeps it. */
export type RouteState = "pending" | "delivered" | "filtered" | "retrying" | "dead";
export const ROUTE_STATES: readonly RouteState[] = ["pending", "delivered", "filtered", "retrying", "dead"];

/** Where the ingress put an event: the broker, the spool, or nowhere (refused for its request schema: `422`). */
export type ReceiptVia = AcceptedVia | "rejected";

/** The ingress accepted an event, or refused it for its request schema (`via: "rejected"`, no routes). */
export interface ReceiptRow {
  readonly kind: "receipt";
  readonly eventId: string;
  readonly sourceId: string;
  readonly type: string;
  readonly subject: string | null;
  readonly time: string;
  readonly receivedAt: number;
  readonly via: ReceiptVia;
  readonly payload: string | null;
  /** An API call's end for its caller; null for a webhook. */
  readonly call: ApiCallStatus | null;
}

/** A worker processed one message of an event on a route. */
export interface AttemptRow {
  readonly kind: "attempt";
  readonly eventId: string;
  readonly routeId: string;
  readonly attempt: number;
  readonly at: number;
  /** A worker's outcome, or `replayed`: an operator sent the event back from the dead-letter queue. */
  readonly outcome: Outcome["kind"] | "replayed";
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
  readonly reason: string | null;
  readonly delayMs: number | null;
}

/** A route's state for an event changed. */
export interface StateRow {
  readonly kind: "state";
  readonly eventId: string;
  readonly routeId: string;
  readonly state: RouteState;
  readonly attempts: number;
  readonly at: number;
  /**
   * Only written when the (event, route) has no state yet: the `pending` of a receipt must never
   * overwrite what a faster worker already recorded.
   */
  readonly ifNew: boolean;
}

export type LogRow = ReceiptRow | AttemptRow | StateRow;

/** Longest error text kept per attempt (the dead-letter header keeps as much). */
const MAX_ERROR = 1000;
/** Ids and names go to varchar(255) columns. */
const MAX_TEXT = 255;

/** A `busy` copy changes nothing: another worker is delivering the event and will record how it went. */
export const STATE_OF: Record<Exclude<Outcome["kind"], "busy">, RouteState> = {
  delivered: "delivered",
  duplicate: "delivered",
  filtered: "filtered",
  retry: "retrying",
  dead: "dead",
};

/** The rows a receipt adds: the event, and `pending` for each route it goes to. */
export function receiptRows(
  receipt: {
    sourceId: string;
    event: NormalizedEvent;
    via: ReceiptVia;
    routeIds: readonly string[];
    payload: boolean;
    call?: ApiCallStatus | undefined;
  },
  at: number,
): LogRow[] {
  const { event } = receipt;
  const eventId = clip(event.id, MAX_TEXT);
  const rows: LogRow[] = [
    {
      kind: "receipt",
      eventId,
      sourceId: receipt.sourceId,
      type: clip(event.type, MAX_TEXT),
      subject: event.subject === undefined ? null : clip(event.subject, MAX_TEXT),
      time: clip(event.time, 64),
      receivedAt: at,
      via: receipt.via,
      payload: receipt.payload ? event.body.toString("utf8") : null,
      call: receipt.call ?? null,
    },
  ];
  for (const routeId of receipt.routeIds) rows.push({ kind: "state", eventId, routeId, state: "pending", attempts: 0, at, ifNew: true });
  return rows;
}

/** The rows one worker outcome adds: the attempt, and the route's new state (none for `busy`). */
export function outcomeRows(outcome: Outcome, context: { routeId: string; eventId: string; attempt: number }, at: number): LogRow[] {
  const { routeId, attempt } = context;
  const eventId = clip(context.eventId, MAX_TEXT);
  const failed = outcome.kind === "retry" || outcome.kind === "dead" ? outcome : undefined;
  const targetMs = "targetMs" in outcome ? outcome.targetMs : undefined;
  const row: AttemptRow = {
    kind: "attempt",
    eventId,
    routeId,
    attempt,
    at,
    outcome: outcome.kind,
    status: (outcome.kind === "delivered" ? outcome.receipt.status : failed?.status) ?? null,
    latencyMs: targetMs === undefined ? null : Math.round(targetMs * 100) / 100,
    error: failed ? clip(failed.error, MAX_ERROR) : null,
    reason: outcome.kind === "dead" ? outcome.reason : null,
    delayMs: outcome.kind === "retry" ? outcome.delayMs : null,
  };
  if (outcome.kind === "busy") return [{ ...row, delayMs: outcome.delayMs }];
  return [row, { kind: "state", eventId, routeId, state: STATE_OF[outcome.kind], attempts: attempt, at, ifNew: false }];
}

/**
 * An operator sent the event back to the route's queue (CLI or admin API): a `replayed` line in
 * its history (attempt 0: the replay's first attempt is #1 again), and pending, whatever it was.
 */
export function replayRows(routeId: string, eventId: string, at: number): LogRow[] {
  const id = clip(eventId, MAX_TEXT);
  return [
    {
      kind: "attempt",
      eventId: id,
      routeId,
      attempt: 0,
      at,
      outcome: "replayed",
      status: null,
      latencyMs: null,
      error: null,
      reason: null,
      delayMs: null,
    },
    { kind: "state", eventId: id, routeId, state: "pending", attempts: 0, at, ifNew: false },
  ];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
