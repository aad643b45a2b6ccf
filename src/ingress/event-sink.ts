import type { NormalizedEvent } from "../events/normalize.js";

/**
 * Where the ingress hands an accepted event. `accept` resolves only once the event is safe —
 * confirmed by the broker (or, with the spool, fsync'd locally) — because the 202 that follows is a
 * promise that nothing will be lost. It rejects with BrokerUnavailableError when it cannot take it.
 */
/** Where an accepted event went: confirmed by the broker, or fsync'd to the local spool. */
export type AcceptedVia = "broker" | "spool";

export interface EventSink {
  accept(event: NormalizedEvent): Promise<AcceptedVia>;
  /** Whether events can be taken right now (readiness). */
  readonly ready: boolean;
  /** A short word for /readyz: where events go now. */
  readonly state: string;
}
