import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { entrySize, isIntact, SPOOL_COLUMNS, SPOOL_INSERT, toEvent, type StoredRow } from "./spool-schema.js";

/** SQLite keeps committed pages in `-wal` until a checkpoint: the spool is all three files. */
const SIDE_FILES = ["", "-wal", "-shm"] as const;

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** More seqs than a spool of SPOOL_MAX_BYTES could hold: bounds this far apart are damage. */
const MAX_PROBED_RANGE = 50_000_000;

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
  const movedTo = `${path.replace(/\.sqlite$/, "")}.corrupt-${stamp}.sqlite`;
  for (const suffix of SIDE_FILES) {
    if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
  }
  return movedTo;
}

/** Files moved aside whose salvage has not completed (no marker yet), oldest first. */
export function unsalvaged(dir: string): string[] {
  const names = readdirSync(dir);
  return names
    .filter((name) => /^spool\.corrupt-.+\.sqlite$/.test(name) && !names.includes(`${name}.salvaged`))
    .sort()
    .map((name) => join(dir, name));
}

/** Records that `aside` has been salvaged, so the next start does not copy its rows again. */
export function markSalvaged(aside: string, result: SalvageResult): void {
  writeFileSync(`${aside}.salvaged`, `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}

/**
 * Copies every row that can still be read intact from the damaged file at `damagedPath` into
 * `target` (a fresh spool), in the original order. Works on a scratch copy, because opening
 * the damaged file itself would replay and then remove its WAL: the evidence stays untouched.
 */
export function salvageInto(damagedPath: string, target: Database.Database): SalvageResult {
  const scratch = `${damagedPath}.scratch`;
  try {
    copyFileSync(damagedPath, scratch);
    if (existsSync(`${damagedPath}-wal`)) copyFileSync(`${damagedPath}-wal`, `${scratch}-wal`);
    fitPageCountToFile(scratch);
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
  const bounds = readBounds(source);
  // Bounds that cannot be trusted (unreadable, or absurdly far apart) leave the plain scan.
  if (bounds === undefined || (bounds !== "empty" && bounds.hi - bounds.lo > MAX_PROBED_RANGE)) {
    return scanUntilBroken(source, insertAll);
  }
  if (bounds === "empty") return { recovered: 0, lost: 0 };

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

/**
 * The first and last seq. Each end is its own query: SQLite reads one edge of the b-tree for a
 * lone min or max, but scans everything for both at once. A damaged last page hides the max;
 * sqlite_sequence (its own page) still knows the last seq handed out.
 */
function readBounds(source: Database.Database): { lo: number; hi: number } | "empty" | undefined {
  // null: read fine, no such row; undefined: could not be read.
  const edge = (sql: string) => tryRead(() => (source.prepare(sql).pluck().get() as number | undefined) ?? null);
  const lo = edge("SELECT seq FROM spool ORDER BY seq LIMIT 1");
  if (lo === null) return "empty";
  const hi = edge("SELECT seq FROM spool ORDER BY seq DESC LIMIT 1") ?? edge("SELECT seq FROM sqlite_sequence WHERE name = 'spool'");
  return lo === undefined || hi === undefined || hi === null ? undefined : { lo, hi };
}

/**
 * A truncated file still claims its old size in the header, and SQLite then refuses every page;
 * telling the scratch copy's header the size it really has makes the pages that remain readable.
 */
function fitPageCountToFile(path: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(path, "r+");
  try {
    if (readSync(fd, header, 0, 100, 0) < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) return;
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
    if (pageSize < 512) return;
    const pages = Math.floor(fstatSync(fd).size / pageSize);
    if (header.readUInt32BE(28) > pages) {
      header.writeUInt32BE(pages, 28);
      writeSync(fd, header, 28, 4, 28);
    }
  } finally {
    closeSync(fd);
  }
}

/** Without the bounds, read in order until the first unreadable row; what follows is unknown. */
function scanUntilBroken(source: Database.Database, insertAll: (rows: readonly StoredRow[]) => void): SalvageResult {
  const rows = tryRead(() => source.prepare(`SELECT ${SPOOL_COLUMNS} FROM spool ORDER BY seq`).iterate() as IterableIterator<StoredRow>);
  let recovered = 0;
  let batch: StoredRow[] = [];
  // Reading stops at the damage (or at a header or schema that cannot be read); writing the new
  // spool is not caught here: failing to keep what was read must not pass for damage.
  for (let next = rows && tryRead(() => rows.next()); next && !next.done; next = tryRead(() => rows!.next())) {
    if (isIntact(next.value)) batch.push(next.value);
    if (batch.length === CHUNK) {
      insertAll(batch);
      recovered += batch.length;
      batch = [];
    }
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
