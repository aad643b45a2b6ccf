/** What a delivery attempt came to: the worker decides it, ops (metrics, log, alerts) read it. */

export interface DeliveryReceipt {
  /** HTTP status of the call that succeeded, where there was one. */
  readonly status?: number;
  /** The target's id for what was created or found (Odoo record id, QBO Invoice Id…). */
  readonly targetId?: string;
  /** True when the target already had it (found by reference, duplicate reference id). */
  readonly alreadyDone?: boolean;
  /** The target's answer, parsed JSON (undefined when it was not JSON): a sync route's response mapping reads it. */
  readonly response?: unknown;
}

/** Why an event went to the dead-letter queue. Stable words: headers, logs, alerts, metrics. */
export type DeadReason = "poison" | "mapping" | "permanent" | "credentials" | "exhausted";

/** How long the target (or the enrichment) took to answer, when it was called. */
interface Timed {
  readonly targetMs?: number | undefined;
}

/** Which call failed, when one did: an enrichment step (which, and what it called) or the destination. */
export type FailedCall = { readonly stage: "destination" } | { readonly stage: "enrichment"; readonly step: string; readonly call: string };

interface Failure {
  readonly error: string;
  readonly status?: number | undefined;
  readonly failedCall?: FailedCall | undefined;
}

export type Outcome =
  | ({ readonly kind: "delivered"; readonly receipt: DeliveryReceipt } & Timed)
  | { readonly kind: "duplicate" }
  /**
   * Another worker is delivering this event right now, or (`limit`: the budget's key) the
   * destination's declared limits stayed reached: held back `delayMs`, same attempt.
   */
  | { readonly kind: "busy"; readonly delayMs: number; readonly heldBy?: string | undefined; readonly limit?: string | undefined }
  /** `filter` dropped it (on the event, before enrichment) or `when` did (after enrichment). */
  | { readonly kind: "filtered"; readonly stage: "filter" | "when" }
  /**
   * Not delivered, to break a two-way sync's loop: the event reports back a write the router
   * itself made (`fingerprint`: the same values, written by route `writtenBy`), or a change made
   * by the integration's own user (`authored-by`: `author`).
   */
  | ({ readonly kind: "echo" } & EchoRule)
  | ({ readonly kind: "retry"; readonly next: number; readonly delayMs: number } & Failure & Timed)
  | ({ readonly kind: "dead"; readonly reason: DeadReason } & Failure & Timed);

/** Which loop-breaking rule recognized an echo. */
export type EchoRule =
  | { readonly rule: "fingerprint"; readonly record: string; readonly writtenBy: string }
  | { readonly rule: "authored-by"; readonly author: string };

/** Which event on which route an outcome is about. */
export interface OutcomeContext {
  readonly routeId: string;
  readonly eventId: string | undefined;
  readonly attempt: number;
}
