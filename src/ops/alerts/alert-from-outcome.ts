import type { Outcome } from "../../contracts/outcome.js";
import { type Alert, UNKNOWN_EVENT_ID } from "./alert.js";

export interface OutcomeContext {
  readonly routeId: string;
  readonly eventId: string | undefined;
  readonly attempt: number;
  /** The route's destination id. */
  readonly destination?: string | undefined;
  /** The route's own failure recipients, if it names any. */
  readonly recipients?: readonly string[] | undefined;
}

/**
 * The alert a worker outcome calls for, if any: a `credentials` alert for a 401/403 (it names
 * the credential to rotate), a `dead_lettered` alert for every other dead letter. Either names
 * the enrichment step when its call, not the destination, is what failed. Fits
 * `RouteWorkerDeps.onOutcome`.
 */
export function alertFromOutcome(outcome: Outcome, context: OutcomeContext): Alert | undefined {
  if (outcome.kind !== "dead") return undefined;
  // A poison message may have no readable id at all; the dead-letter queue still has it.
  const eventId = context.eventId ?? UNKNOWN_EVENT_ID;
  const { routeId, destination, recipients } = context;
  const failed = outcome.failedCall;
  const enrichment = failed?.stage === "enrichment" ? { step: failed.step, call: failed.call } : undefined;
  if (outcome.reason === "credentials" && destination !== undefined && outcome.status !== undefined) {
    return {
      kind: "credentials",
      routeId,
      destination,
      eventId,
      status: outcome.status,
      error: outcome.error,
      recipients,
      ...(enrichment ? { enrichment } : {}),
    };
  }
  return {
    kind: "dead_lettered",
    routeId,
    eventId,
    reason: outcome.reason,
    error: outcome.error,
    status: outcome.status,
    attempts: context.attempt,
    destination,
    recipients,
    ...(enrichment ? { enrichment } : {}),
  };
}
