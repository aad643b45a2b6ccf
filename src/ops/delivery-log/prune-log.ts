import type { Logger } from "pino";
import { deleteInSlices } from "../../state/delete-in-slices.js";
import { sqliteHandle, type StateDb } from "../../state/state-db.js";

const EVERY_MS = 60 * 60 * 1000;

/** Deletes delivery-log rows older than `cutoff` (epoch ms); returns how many rows went. */
export async function pruneLog(db: StateDb, cutoff: number): Promise<number> {
  const sqlite = sqliteHandle(db);
  if (sqlite) {
    // Slices of synchronous statements, never a transaction held across an await: the worker's
    // dedup store shares the connection, and its records must not land in one (sqlite-batch.ts).
    return (
      (await deleteInSlices(sqlite, "log_attempts", "at", cutoff)) +
      (await deleteInSlices(sqlite, "log_routes", "updated_at", cutoff)) +
      (await deleteInSlices(sqlite, "log_events", "received_at", cutoff)) +
      (await deleteInSlices(sqlite, "log_alerts", "at", cutoff))
    );
  }
  const results = await db
    .transaction()
    .execute(async (trx) => [
      await trx.deleteFrom("log_attempts").where("at", "<", cutoff).executeTakeFirst(),
      await trx.deleteFrom("log_routes").where("updated_at", "<", cutoff).executeTakeFirst(),
      await trx.deleteFrom("log_events").where("received_at", "<", cutoff).executeTakeFirst(),
      await trx.deleteFrom("log_alerts").where("at", "<", cutoff).executeTakeFirst(),
    ]);
  return results.reduce((sum, result) => sum + Number(result.numDeletedRows), 0);
}

/**
 * Forgets delivery-log rows older than the retention, once at start and hourly after, so the
 * store stays bounded on a long run. Returns a function that stops it.
 */
export function scheduleLogPrune(db: StateDb, retentionMs: number, logger: Logger): () => void {
  const prune = () => {
    pruneLog(db, Date.now() - retentionMs)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned old delivery-log rows"))
      .catch((error: Error) => logger.warn({ err: error.message }, "could not prune the delivery log"));
  };
  prune();
  const timer = setInterval(prune, EVERY_MS).unref();
  return () => clearInterval(timer);
}
