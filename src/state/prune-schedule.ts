import type { Logger } from "pino";
import type { DeliveryStore } from "./delivery-store.js";

const EVERY_MS = 60 * 60 * 1000;

/**
 * Forgets dedup records older than the retention, hourly (and once at start), so the state store
 * stays bounded on a long run. Returns a function that stops it.
 */
export function schedulePrune(store: DeliveryStore, retentionMs: number, logger: Logger): () => void {
  const prune = () => {
    store
      .prune(retentionMs)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned old dedup records"))
      .catch((error: Error) => logger.warn({ err: error.message }, "could not prune dedup records"));
  };
  prune();
  const timer = setInterval(prune, EVERY_MS).unref();
  return () => clearInterval(timer);
}
