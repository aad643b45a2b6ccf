import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import { DiskReserve } from "./disk-reserve.js";
import { isCorruption } from "./spool-errors.js";
import { markSalvaged, moveAside, salvageInto, unsalvaged } from "./spool-salvage.js";
import { SPOOL_TABLE } from "./spool-schema.js";
import { Spool } from "./spool.js";

/** Something an operator must look at; shown in /readyz until the process restarts. */
export interface SpoolProblem {
  readonly code: "spool_corrupt" | "spool_unavailable" | "spool_write_failed" | "spool_full";
  readonly message: string;
  readonly at: string;
}

export interface OpenedSpool {
  readonly spool: Spool;
  readonly problems: readonly SpoolProblem[];
}

export interface OpenSpoolOptions {
  /** DATA_DIR: the spool is `spool.sqlite` in it. */
  readonly dir: string;
  readonly maxBytes: number;
  readonly logger: Logger;
  /**
   * How long to wait for another process's lock on the spool (say, a predecessor still shutting
   * down) before giving up with SQLITE_BUSY. Blocks, which is acceptable only at start-up.
   * @defaultValue 5000
   */
  readonly lockWaitMs?: number;
}

/**
 * Opens (or creates) the spool and checks it. A damaged file is moved aside, never deleted; a
 * fresh spool takes its place with every row that could still be read. Anything other than
 * damage (permissions, a lock, a missing disk) throws: guessing there could lose the file.
 */
export function openSpool(options: OpenSpoolOptions): OpenedSpool {
  const { dir, logger } = options;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "spool.sqlite");
  const damaged = new Map<string, string>();
  let db: Database.Database;
  try {
    db = openChecked(path, options.lockWaitMs);
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const movedTo = moveAside(path);
    const message = (error as Error).message;
    logger.error({ path, movedTo, err: message }, "the spool file is damaged: moved it aside (kept, not deleted); starting a fresh spool");
    damaged.set(movedTo, `${path} was damaged (${message}); moved to ${movedTo}`);
    db = openChecked(path, options.lockWaitMs);
  }
  // Includes files an interrupted start moved aside but did not finish salvaging: salvaging
  // again may duplicate rows it had already copied, which is better than leaving the rest behind.
  const problems = unsalvaged(dir).map((aside): SpoolProblem => {
    const what = damaged.get(aside) ?? `${aside} was not fully salvaged by an earlier start`;
    return { code: "spool_corrupt", message: `${what}; ${salvage(aside, db, logger)}`, at: new Date().toISOString() };
  });
  const reserve = new DiskReserve(join(dir, "spool.reserve"), logger);
  if (!reserve.claim()) logger.warn({ dir }, "no room for the spool's disk reserve: a full disk may stall the relay");
  return { spool: new Spool(db, options.maxBytes, reserve), problems };
}

/** Copies what can be read from `aside` into `db` and says how it went, in the log and in words. */
function salvage(aside: string, db: Database.Database, logger: Logger): string {
  try {
    const { recovered, lost } = salvageInto(aside, db);
    markSalvaged(aside, { recovered, lost });
    const outcome = `recovered ${recovered} event(s) into the new spool, ${lost ?? "an unknown number of"} unreadable`;
    logger.error({ movedTo: aside, recovered, lost: lost ?? null }, `spool salvage: ${outcome}`);
    return outcome;
  } catch (error) {
    const outcome = `salvage failed (${(error as Error).message}); it is tried again at the next start`;
    logger.error({ movedTo: aside, err: error }, `spool salvage: ${outcome}`);
    return outcome;
  }
}

/** Opens with WAL and a full fsync per commit, locked, and proves the file sound before trusting it. */
function openChecked(path: string, lockWaitMs = 5000): Database.Database {
  const isNew = !existsSync(path) || statSync(path).size === 0;
  const db = new Database(path, { timeout: lockWaitMs });
  try {
    // Only on a new file (it takes effect only before anything is written, and nothing may be
    // written to a file that could be damaged): lets a drained spool give its pages back.
    if (isNew) db.pragma("auto_vacuum = INCREMENTAL");
    // One process per spool: a second router on the same DATA_DIR would relay the same rows and
    // miscount them. It fails with SQLITE_BUSY instead (the lock dies with its holder, even on
    // SIGKILL). Exclusive mode also keeps the WAL index in memory: no -shm file.
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    // FULL: a commit is fsync'd before it returns, so the 202 that follows it is kept.
    db.pragma("synchronous = FULL");
    const verdict = (db.pragma("quick_check(3)") as Array<{ quick_check: string }>).map((row) => row.quick_check);
    if (verdict.join() !== "ok") throw corrupt(`quick_check: ${verdict.join("; ").replace(/\s+/g, " ")}`);
    db.exec(SPOOL_TABLE);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A quick_check failure, shaped like SQLite's own corruption errors. */
function corrupt(message: string): Error {
  return Object.assign(new Error(message), { code: "SQLITE_CORRUPT" });
}
