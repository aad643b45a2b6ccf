import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import { isCorruption } from "./spool-errors.js";
import { moveAside, salvageInto, type SalvageResult } from "./spool-salvage.js";
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
}

/**
 * Opens (or creates) the spool and checks it. A damaged file is moved aside, never deleted; a
 * fresh spool takes its place with every row that could still be read. Anything other than
 * damage (permissions, a lock, a missing disk) throws: guessing there could lose the file.
 */
export function openSpool(options: OpenSpoolOptions): OpenedSpool {
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, "spool.sqlite");
  let db: Database.Database;
  try {
    db = openChecked(path);
  } catch (error) {
    if (!isCorruption(error)) throw error;
    return replaceDamaged(path, error as Error, options);
  }
  return { spool: new Spool(db, options.maxBytes), problems: [] };
}

function replaceDamaged(path: string, damage: Error, options: OpenSpoolOptions): OpenedSpool {
  const { logger } = options;
  const movedTo = moveAside(path);
  logger.error(
    { path, movedTo, err: damage.message },
    "the spool file is damaged: moved it aside (kept, not deleted) and starting a fresh spool",
  );
  const db = openChecked(path);
  let salvage: SalvageResult | undefined;
  let salvageError: string | undefined;
  try {
    salvage = salvageInto(movedTo, db);
  } catch (error) {
    salvageError = (error as Error).message;
  }
  const lost = salvage?.lost ?? "an unknown number of";
  const outcome = salvage
    ? `recovered ${salvage.recovered} event(s) into the new spool, ${lost} unreadable`
    : `salvage failed (${salvageError})`;
  logger.error({ path, movedTo, recovered: salvage?.recovered ?? 0, lost: salvage?.lost ?? null }, `spool salvage: ${outcome}`);
  const message = `${path} was damaged (${damage.message}); moved to ${movedTo}; ${outcome}`;
  return {
    spool: new Spool(db, options.maxBytes),
    problems: [{ code: "spool_corrupt", message, at: new Date().toISOString() }],
  };
}

/** Opens with WAL and a full fsync per commit, and proves the file sound before trusting it. */
function openChecked(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    // FULL: a commit is fsync'd before it returns, so the 202 that follows it is kept.
    db.pragma("synchronous = FULL");
    const verdict = db.pragma("quick_check", { simple: true });
    if (verdict !== "ok") throw corrupt(`quick_check: ${String(verdict)}`);
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
