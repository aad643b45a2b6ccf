import type { StateTables } from "../../state/state-db.js";
import type { RouteState } from "./log-rows.js";

/** One route's current state for an event. */
export interface RouteStatus {
  readonly route: string;
  readonly state: RouteState;
  /** The attempt number of the last outcome (0 while pending). */
  readonly attempts: number;
  readonly updatedAt: string;
}

/** An event as searches list it. Fields are null where this log never saw the receipt. */
export interface EventSummary {
  readonly id: string;
  readonly source: string | null;
  readonly type: string | null;
  readonly subject: string | null;
  /** The CloudEvents `time`. */
  readonly time: string | null;
  /** When the ingress accepted it (for a worker-only log: its first attempt). */
  readonly receivedAt: string;
  /** Where the ingress put it: `broker` or `spool`, or `rejected` (its request schema: 422); null when this log has no receipt. */
  readonly via: string | null;
  /** Times the ingress received this id, accepted or rejected (a sender's retries count too). */
  readonly receipts: number;
  /** An API call's end for its caller: `accepted`, `answered`, `timed-out` or `rejected`; null for a webhook (or no receipt). */
  readonly call: string | null;
  readonly routes: readonly RouteStatus[];
}

/** One processed message of an event on a route. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly at: string;
  /** delivered, duplicate, filtered, retry, dead; or replayed (sent back from the dead-letter queue, attempt 0) */
  readonly outcome: string;
  /** The target's HTTP status, where there was one. */
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
  /** Why it was dead-lettered: poison, mapping, permanent, credentials, exhausted. */
  readonly reason: string | null;
  /** For a retry: the delay before the next attempt. */
  readonly delayMs: number | null;
}

/** An event's whole journey: its receipt and, per route, every attempt. */
export interface EventJourney extends Omit<EventSummary, "routes"> {
  /** The CloudEvent as received, when DELIVERY_LOG_PAYLOADS was on; otherwise null. */
  readonly payload: string | null;
  readonly routes: ReadonlyArray<RouteStatus & { readonly history: readonly AttemptRecord[] }>;
}

// PostgreSQL's driver returns bigint as a string; SQLite returns numbers. Both become numbers here.
const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toSummary(row: StateTables["log_events"], routes: readonly RouteStatus[]): EventSummary {
  return {
    id: row.event_id,
    source: row.source_id,
    type: row.type,
    subject: row.subject,
    time: row.event_time,
    receivedAt: iso(row.received_at),
    via: row.via,
    receipts: Number(row.receipts),
    call: row.api_call ?? null,
    routes,
  };
}

export function toRouteStatus(row: StateTables["log_routes"]): RouteStatus {
  return { route: row.route_id, state: row.state as RouteState, attempts: Number(row.attempts), updatedAt: iso(row.updated_at) };
}

export function toAttempt(row: StateTables["log_attempts"]): AttemptRecord {
  return {
    attempt: Number(row.attempt),
    at: iso(row.at),
    outcome: row.outcome,
    status: row.status === null ? null : Number(row.status),
    latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
    error: row.error,
    reason: row.reason,
    delayMs: row.delay_ms === null ? null : Number(row.delay_ms),
  };
}
