import type { NormalizedEvent } from "./normalized-event.js";

/** Where an accepted event went: confirmed by the broker, or fsync'd to the local spool. */
export type AcceptedVia = "broker" | "spool";

/**
 * Where the ingress hands an accepted event. `accept` resolves only once the event is safe —
 * confirmed by the broker (or, with the spool, fsync'd locally) — because the 202 that follows is a
 * promise that nothing will be lost. It rejects with SinkUnavailableError when it cannot take it.
 */
export interface EventSink {
  accept(event: NormalizedEvent): Promise<AcceptedVia>;
  /** Whether events can be taken right now (readiness). */
  readonly ready: boolean;
  /** A short word for /readyz: where events go now. */
  readonly state: string;
}

/** The sink cannot take the event now; the sender should retry later (the ingress answers 503). */
export class SinkUnavailableError extends Error {
  override readonly name: string = "SinkUnavailableError";
  constructor(
    message: string,
    /** Why the broker could not take it (`not_connected`, `nacked`, `timeout`, `channel_closed`): the log label. */
    readonly reason: string,
  ) {
    super(message);
  }
}
