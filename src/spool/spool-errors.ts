import type { BrokerUnavailableError } from "../broker/broker-errors.js";
import { SinkUnavailableError } from "../contracts/event-sink.js";

/** An append that would take the spool past SPOOL_MAX_BYTES, or that the disk had no room for. */
export class SpoolFullError extends Error {
  override readonly name = "SpoolFullError";
  constructor(
    message: string,
    /** `limit` (SPOOL_MAX_BYTES) or `disk` (SQLITE_FULL: the file system is full). */
    readonly kind: "limit" | "disk",
  ) {
    super(message);
  }
}

/** The spool could not write (an I/O error, a closed or unusable file): it holds nothing new. */
export class SpoolWriteError extends Error {
  override readonly name = "SpoolWriteError";
}

/**
 * Neither the broker nor the spool can take the event: the event sink's SinkUnavailableError, so
 * the handler answers 503 with Retry-After; `reason` keeps the broker's own failure, and `spool`
 * says why the fallback failed too.
 */
export class SpoolUnavailableError extends SinkUnavailableError {
  override readonly name = "SpoolUnavailableError";
  constructor(
    message: string,
    reason: BrokerUnavailableError["reason"],
    readonly spool: "spool_full" | "spool_error",
  ) {
    super(message, reason);
  }
}

/** SQLite result codes that mean the file's content is damaged, not that it is busy or forbidden. */
const CORRUPT_CODES = /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ)/;

export function isCorruption(error: unknown): boolean {
  return CORRUPT_CODES.test(sqliteCode(error));
}

export function isDiskFull(error: unknown): boolean {
  return sqliteCode(error).startsWith("SQLITE_FULL");
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "";
}
