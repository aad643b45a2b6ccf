/** The admin API's answers as the console reads them (docs/admin-openapi.yaml has the contract). */

export interface SessionInfo {
  readonly tokenRequired: boolean;
  readonly signedIn: boolean;
  readonly csrfToken?: string;
  readonly expiresAt?: string;
}

export interface Counts {
  readonly received: number;
  readonly pending: number;
  readonly delivered: number;
  readonly filtered: number;
  readonly retrying: number;
  readonly dead: number;
}

export interface RouteStatusRow extends Counts {
  readonly id: string;
  readonly destination: string;
  readonly events: readonly string[];
  readonly deadLetterDepth: number | null;
  /** Present once the router can pause routes. */
  readonly paused?: boolean;
  /** Which pause holds it: its own (reported first when both do), or its destination's. */
  readonly pausedBy?: "route" | "destination" | null;
  readonly pauseReason?: string | null;
  readonly pausedAt?: string | null;
  /** Messages waiting in the route's queue (while paused, they accumulate there). */
  readonly waiting?: number | null;
}

export interface SourceStatusRow extends Counts {
  readonly id: string;
  readonly rejected: number;
  /** `api`: an API endpoint, `POST /api/{id}`, answered by a route; `poll`: a polling source (absent from older routers). */
  readonly kind?: "webhook" | "api" | "poll";
  readonly api?: { readonly route: string; readonly mode: "sync" | "async" } | null;
}

/** A destination's own pause: a route paused on its own reports that one first, so only this shows it. */
export interface DestinationStatusRow {
  readonly id: string;
  readonly routes: readonly string[];
  readonly paused: boolean;
  readonly pauseReason: string | null;
  readonly pausedAt: string | null;
}

/** A polling source's lease, cursor and last run (src/contracts/poll-status.ts). */
export interface PollStatusRow {
  readonly source: string;
  readonly state: "running" | "failing" | "ok" | "pending" | "paused";
  readonly lastSuccess: string | null;
  readonly lastError: { readonly at: string; readonly message: string } | null;
  readonly failingSince: string | null;
  readonly cursor: string | null;
  readonly lagSeconds: number | null;
  readonly lastRun: { readonly items: number; readonly pages: number } | null;
  readonly leaseHolder: string | null;
  readonly runInProgress?: boolean;
}

export interface Status {
  readonly since: string;
  readonly deliveryLog: { engine: string; retentionMs: number; payloads: boolean; dropped?: number; failed?: number } | null;
  readonly sources: readonly SourceStatusRow[];
  readonly routes: readonly RouteStatusRow[];
  readonly destinations?: readonly DestinationStatusRow[];
  /** Absent from routers without polling sources; null when the state store cannot be read. */
  readonly polls?: readonly PollStatusRow[] | null;
}

/** The answer to `POST /routes/{id}/resume`: `stillPausedBy` when the route's destination still holds it. */
export interface Resumed {
  readonly paused: false;
  readonly stillPausedBy?: "destination";
}

export interface Problem {
  readonly code?: string;
  readonly message?: string;
  readonly at?: string;
}

export interface Health {
  readonly status: "ready" | "not_ready" | "unknown";
  readonly events?: string;
  readonly spool?: { count?: number; bytes?: number } | number;
  readonly workers?: string;
  readonly problems?: readonly Problem[];
}

export interface RouteState {
  readonly route: string;
  readonly state: string;
  readonly attempts: number;
  readonly updatedAt: string;
}

export interface EventSummary {
  readonly id: string;
  readonly source: string | null;
  readonly type: string | null;
  readonly subject: string | null;
  readonly time: string | null;
  readonly receivedAt: string;
  readonly via: string | null;
  readonly receipts: number;
  readonly routes: readonly RouteState[];
}

export interface Attempt {
  readonly attempt: number;
  readonly at: string;
  readonly outcome: string;
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
  readonly reason: string | null;
  readonly delayMs: number | null;
}

export interface Journey extends Omit<EventSummary, "routes"> {
  readonly payload: string | null;
  readonly routes: ReadonlyArray<RouteState & { history: readonly Attempt[] }>;
}

export interface DeadLetter {
  readonly routeId: string;
  readonly eventId?: string;
  readonly type?: string;
  readonly reason: string;
  readonly error: string;
  readonly status?: number;
  readonly attempts?: number;
  readonly failedAt?: string;
}

export interface DeadLetterReport {
  readonly action: string;
  readonly dryRun: boolean;
  readonly matched: number;
  readonly replayed: number;
  readonly purged: number;
  readonly letters: readonly DeadLetter[];
  readonly truncated: boolean;
}

export interface AlertRecord {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly recipients: readonly string[];
  readonly at: string;
  readonly status: "sent" | "failed" | "held";
  readonly eventId?: string | null;
  readonly routeId?: string | null;
  readonly sourceId?: string | null;
  /** Alerts folded into a digest: held for the next one, or sent (or failed) as one. */
  readonly heldCount?: number;
  /** Why a failed email failed (no credentials in it). */
  readonly error?: string;
}

/** The kinds `GET /alerts?kind=` takes (src/ops/alerts/alert.ts ALERT_KINDS; a unit test keeps them equal), in words. */
export const ALERT_KINDS = [
  ["dead_lettered", "Dead-lettered event"],
  ["credentials", "Credentials refused"],
  ["spooling", "Spooling (RabbitMQ down)"],
  ["spool_recovered", "Spool recovered"],
  ["broker_refused", "RabbitMQ refused"],
  ["verification_failures", "Signature failures"],
  ["token_expiring", "Token expiring"],
  ["poll_failed", "Polling source failing"],
] as const;
