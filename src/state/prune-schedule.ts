import type { Logger } from "pino";
import type { ClaimStore } from "./claim-store.js";
import type { DeliveryStore } from "./delivery-store.js";
import type { EchoStore } from "./echo-store.js";

const EVERY_MS = 60 * 60 * 1000;

/**
 * How long an expired claim is kept. Every attempt releases its claim, so only crashed workers
 * leave any; keeping them an hour past expiry means a pair's fence never restarts at 1 while a
 * late owner (same process, fence 1) could still release it.
 */
const CLAIM_GRACE_MS = 60 * 60 * 1000;

/**
 * Forgets dedup records older than the retention, claims left by crashed workers and remembered
 * writes past their window (two-way sync), hourly (and once at start), so the state store stays
 * bounded on a long run. Returns a function that stops it.
 */
export function schedulePrune(store: DeliveryStore, claims: ClaimStore, retentionMs: number, logger: Logger, echoes?: EchoStore): () => void {
  const prune = () => {
    store
      .prune(retentionMs)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned old dedup records"))
      .catch((error: Error) => logger.warn({ err: error.message }, "could not prune dedup records"));
    claims
      .prune(CLAIM_GRACE_MS)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned expired claims"))
      .catch((error: Error) => logger.warn({ err: error.message }, "could not prune expired claims"));
    echoes
      ?.prune()
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned remembered writes past their window"))
      .catch((error: Error) => logger.warn({ err: error.message }, "could not prune remembered writes"));
  };
  prune();
  const timer = setInterval(prune, EVERY_MS).unref();
  return () => clearInterval(timer);
}
