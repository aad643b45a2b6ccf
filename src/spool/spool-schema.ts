import { crc32 } from "node:zlib";
import type { SpooledEvent, SpoolEntry } from "./spool-entry.js";

/**
 * AUTOINCREMENT keeps `seq` rising even after the table empties, so arrival order is never
 * reused; rows are only ever deleted from the head, so the live seqs are contiguous — which is
 * how salvage counts what it could not read.
 */
export const SPOOL_TABLE = `
  CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    size INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    body BLOB NOT NULL
  )`;

export const SPOOL_COLUMNS = "seq, id, type, routing_key, received_at, crc, body";

export const SPOOL_INSERT = "INSERT INTO spool (id, type, routing_key, received_at, size, crc, body) VALUES (?, ?, ?, ?, ?, ?, ?)";

export interface StoredRow {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly routing_key: string;
  readonly received_at: number;
  readonly crc: number;
  readonly body: Buffer;
}

export function toEvent(row: StoredRow): SpooledEvent {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    routingKey: row.routing_key,
    receivedAt: row.received_at,
    body: row.body,
  };
}

/** Bytes an entry counts against SPOOL_MAX_BYTES: what is stored, not SQLite's page overhead. */
export function entrySize(entry: SpoolEntry): number {
  return entry.body.length + Buffer.byteLength(entry.id) + Buffer.byteLength(entry.type) + Buffer.byteLength(entry.routingKey);
}

/** A checksum over everything stored, so salvage can tell a damaged row from a good one. */
export function entryCrc(entry: SpoolEntry): number {
  return crc32(entry.body, crc32(`${entry.id}\n${entry.type}\n${entry.routingKey}\n${entry.receivedAt}`));
}

/** Whether a row read back is the row that was written. */
export function isIntact(row: StoredRow): boolean {
  return Buffer.isBuffer(row.body) && entryCrc(toEvent(row)) === row.crc;
}
