import type Database from "better-sqlite3";
import type { DiskReserve } from "./disk-reserve.js";
import { isDiskFull, SpoolFullError, SpoolWriteError } from "./spool-errors.js";
import type { SpooledEvent, SpoolEntry } from "./spool-entry.js";
import { entryCrc, entrySize, SPOOL_COLUMNS, SPOOL_INSERT, toEvent, type StoredRow } from "./spool-schema.js";

export interface SpoolDepth {
  /** Events held, including appends waiting for the current group commit. */
  readonly count: number;
  /** Their size as counted against SPOOL_MAX_BYTES (body plus id, type and routing key). */
  readonly bytes: number;
}

interface Pending {
  readonly entry: SpoolEntry;
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The durable outbox: an append-only SQLite table read from the head. Appends made in the same
 * tick share one transaction, hence one fsync (group commit: ~4× the appends per second of a
 * commit each, measured here); each append's promise resolves only after that commit, so a 202
 * never precedes the fsync. The byte total lives in memory so a full spool refuses without I/O.
 */
export class Spool {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #peek: Database.Statement;
  readonly #deleteThrough: Database.Statement;
  readonly #commit: (batch: readonly Pending[]) => void;
  #count: number;
  #bytes: number;
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #closed = false;

  constructor(
    db: Database.Database,
    readonly maxBytes: number,
    private readonly reserve?: DiskReserve,
  ) {
    this.#db = db;
    this.#insert = db.prepare(SPOOL_INSERT);
    this.#peek = db.prepare(`SELECT ${SPOOL_COLUMNS} FROM spool ORDER BY seq LIMIT ?`);
    this.#deleteThrough = db.prepare("DELETE FROM spool WHERE seq <= ? RETURNING size");
    this.#commit = db.transaction((batch: readonly Pending[]) => {
      for (const { entry, size } of batch) {
        this.#insert.run(entry.id, entry.type, entry.routingKey, entry.receivedAt, size, entryCrc(entry), entry.body);
      }
    });
    const totals = db.prepare("SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM spool").get() as SpoolDepth;
    this.#count = totals.count;
    this.#bytes = totals.bytes;
  }

  /**
   * Resolves once the entry is committed and fsync'd. Rejects with SpoolFullError past
   * `maxBytes` or on a full disk, and with SpoolWriteError when the file cannot be written.
   */
  append(entry: SpoolEntry): Promise<void> {
    if (this.#closed) return Promise.reject(new SpoolWriteError("the spool is closed"));
    const size = entrySize(entry);
    if (this.#bytes + this.#queuedBytes + size > this.maxBytes) {
      return Promise.reject(new SpoolFullError(`the spool holds ${this.#bytes + this.#queuedBytes} of ${this.maxBytes} bytes`, "limit"));
    }
    this.#queuedBytes += size;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entry, size, resolve, reject });
      // setImmediate runs after the current poll phase: every request read in it joins this commit.
      if (this.#queue.length === 1) setImmediate(() => this.#flush());
    });
  }

  /** The oldest events, in arrival order: at most `limit`, and no more than `maxBytes` past the first. */
  peek(limit: number, maxBytes = Infinity): SpooledEvent[] {
    const events: SpooledEvent[] = [];
    let bytes = 0;
    for (const row of this.#peek.iterate(limit) as IterableIterator<StoredRow>) {
      events.push(toEvent(row));
      bytes += row.body.length;
      if (bytes >= maxBytes) break;
    }
    return events;
  }

  /** Removes every event up to and including `seq` (a confirmed prefix). */
  deleteThrough(seq: number): number {
    let removed: Array<{ size: number }>;
    try {
      removed = this.#deleteThrough.all(seq) as Array<{ size: number }>;
    } catch (error) {
      // A full disk refuses deletes too: hand back the reserve so this one can free room.
      if (!isDiskFull(error) || !this.reserve?.release()) throw error;
      removed = this.#deleteThrough.all(seq) as Array<{ size: number }>;
    }
    this.#count -= removed.length;
    for (const { size } of removed) this.#bytes -= size;
    if (this.#count === 0) this.#compact();
    return removed.length;
  }

  depth(): SpoolDepth {
    return { count: this.#count + this.#queue.length, bytes: this.#bytes + this.#queuedBytes };
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  get isEmpty(): boolean {
    return this.#count === 0 && this.#queue.length === 0;
  }

  /** Commits what is queued, then closes the file (a clean close checkpoints the WAL). */
  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#db.close();
  }

  /**
   * Once drained, gives the freed pages back to the file system and empties the WAL, so an outage
   * does not leave a file its size behind; then holds the disk reserve again if there is room.
   */
  #compact(): void {
    try {
      this.#db.pragma("incremental_vacuum");
      this.#db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      // Shrinking is a nicety: a busy or full disk can refuse it, and the next drain tries again.
    }
    this.reserve?.claim();
  }

  #flush(): void {
    const batch = this.#queue.splice(0);
    if (batch.length === 0) return;
    const bytes = batch.reduce((sum, pending) => sum + pending.size, 0);
    this.#queuedBytes -= bytes;
    try {
      this.#commit(batch);
    } catch (error) {
      const failure = isDiskFull(error)
        ? new SpoolFullError(`the disk is full: ${(error as Error).message}`, "disk")
        : new SpoolWriteError(`could not write the spool: ${(error as Error).message}`);
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.#count += batch.length;
    this.#bytes += bytes;
    for (const pending of batch) pending.resolve();
  }
}
