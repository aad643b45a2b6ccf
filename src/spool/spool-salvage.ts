import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { entrySize, isIntact, SPOOL_COLUMNS, SPOOL_INSERT, toEvent, type StoredRow } from "./spool-schema.js";

/** SQLite keeps committed pages in `-wal` until a checkpoint: the spool is all three files. */
const SIDE_FILES = ["", "-wal", "-shm"] as const;

/** Rows read and inserted per transaction while salvaging. */
const CHUNK = 256;

export interface SalvageResult {
  readonly recovered: number;
  /** Rows that were there but could not be read intact; undefined when the extent is unknown. */
  readonly lost: number | undefined;
}

/**
 * Renames a damaged spool (and its WAL) to `spool.corrupt-<timestamp>.sqlite` beside it — never
 * deletes it: it is the only copy of what could not be salvaged. Returns the new main path.
 */
export function moveAside(path: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const movedTo = path.replace(/\.sqlite$/, "") + `.corrupt-${stamp}.sqlite`;
  for (const suffix of SIDE_FILES) {
    if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
  }
  return movedTo;
}

/**
 * Copies every row that can still be read intact from the damaged file at `damagedPath` into
 * `target` (a fresh spool), in the original order. Works on a scratch copy, because opening
 * the damaged file itself would replay and then remove its WAL: the evidence stays untouched.
 */
export function salvageInto(damagedPath: string, target: Database.Database): SalvageResult {
  const scratch = damagedPath.replace(/\.sqlite$/, ".salvage.sqlite");
  try {
    copyFileSync(damagedPath, scratch);
    if (existsSync(`${damagedPath}-wal`)) copyFileSync(`${damagedPath}-wal`, `${scratch}-wal`);
    const source = new Database(scratch, { fileMustExist: true });
    try {
      return copyRows(source, target);
    } finally {
      source.close();
    }
  } finally {
    for (const suffix of SIDE_FILES) rmSync(scratch + suffix, { force: true });
  }
}

function copyRows(source: Database.Database, target: Database.Database): SalvageResult {
  const insert = target.prepare(SPOOL_INSERT);
  const insertAll = target.transaction((rows: readonly StoredRow[]) => {
    for (const row of rows) {
      insert.run(row.id, row.type, row.routing_key, row.received_at, entrySize(toEvent(row)), row.crc, row.body);
    }
  });
  const bounds = tryRead(() => source.prepare("SELECT min(seq) AS lo, max(seq) AS hi FROM spool").get()) as
    | { lo: number | null; hi: number | null }
    | undefined;
  if (bounds === undefined) return scanUntilBroken(source, insertAll);
  if (bounds.lo === null || bounds.hi === null) return { recovered: 0, lost: 0 };

  // Live seqs are contiguous, so whatever in [lo, hi] cannot be read intact is a lost event.
  const range = source.prepare(`SELECT ${SPOOL_COLUMNS} FROM spool WHERE seq BETWEEN ? AND ? ORDER BY seq`);
  const one = source.prepare(`SELECT ${SPOOL_COLUMNS} FROM spool WHERE seq = ?`);
  let recovered = 0;
  for (let from = bounds.lo; from <= bounds.hi; from += CHUNK) {
    const to = Math.min(bounds.hi, from + CHUNK - 1);
    // A damaged page fails the whole range: then go row by row through it, keeping what reads.
    const rows =
      (tryRead(() => range.all(from, to)) as StoredRow[] | undefined) ??
      seqs(from, to).flatMap((seq) => (tryRead(() => one.get(seq)) as StoredRow | undefined) ?? []);
    const intact = rows.filter(isIntact);
    insertAll(intact);
    recovered += intact.length;
  }
  return { recovered, lost: bounds.hi - bounds.lo + 1 - recovered };
}

/** Without the bounds, read in order until the first unreadable row; what follows is unknown. */
function scanUntilBroken(source: Database.Database, insertAll: (rows: readonly StoredRow[]) => void): SalvageResult {
  let recovered = 0;
  let batch: StoredRow[] = [];
  try {
    for (const row of source.prepare(`SELECT ${SPOOL_COLUMNS} FROM spool ORDER BY seq`).iterate() as IterableIterator<StoredRow>) {
      if (!isIntact(row)) continue;
      batch.push(row);
      if (batch.length === CHUNK) {
        insertAll(batch);
        recovered += batch.length;
        batch = [];
      }
    }
  } catch {
    // Stop at the damage (or at a header or schema that cannot be read); keep what came before.
  }
  insertAll(batch);
  return { recovered: recovered + batch.length, lost: undefined };
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function seqs(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
