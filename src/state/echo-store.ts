import { createHash } from "node:crypto";
import type { StateDb } from "./state-db.js";

/** A record of one system, and the fingerprint of field values written to it or reported by it. */
export interface RecordFingerprint {
  readonly system: string;
  readonly entity: string;
  readonly id: string;
  readonly fingerprint: string;
}

/** The router's own write an event reported back. */
export interface RememberedWrite {
  readonly routeId: string;
  readonly writtenAt: number;
}

/**
 * What the router wrote to other systems, for a window (README "Two-way sync"): when a system
 * reports a record with the values the router itself wrote there, the report is the write's
 * echo. Every write within the window is kept, not only the last: two writes in quick
 * succession come back as two reports, each an echo. A report of other values means the
 * record has moved on (someone changed it), so the writes remembered before it are forgotten —
 * a later change back to values the router once wrote is a real change, not an echo.
 */
export interface EchoStore {
  /** Remembers that `routeId` wrote these values, until `windowMs` from now (again from now if it was already remembered). */
  remember(write: RecordFingerprint, routeId: string, windowMs: number): Promise<void>;
  /**
   * The remembered write whose values the report carries; undefined when there is none, in which
   * case the writes remembered of that record so far are forgotten.
   */
  match(report: RecordFingerprint): Promise<RememberedWrite | undefined>;
  /** Deletes what is past its window; returns how many. */
  prune(): Promise<number>;
}

/** The key column's width; a longer id is kept as its hash. */
const MAX_ID = 200;

export function createEchoStore(db: StateDb, now: () => number = Date.now): EchoStore {
  return {
    async remember(write, routeId, windowMs) {
      const at = now();
      await db
        .insertInto("echo_writes")
        .values({ ...keyOf(write), fingerprint: write.fingerprint, route_id: routeId, written_at: at, expires_at: at + windowMs })
        .onConflict((conflict) =>
          conflict
            .columns(["system", "entity", "record_id", "fingerprint"])
            .doUpdateSet({ route_id: routeId, written_at: at, expires_at: at + windowMs }),
        )
        .execute();
    },
    async match(report) {
      const at = now();
      const key = keyOf(report);
      const found = await db
        .selectFrom("echo_writes")
        .select(["route_id", "written_at"])
        .where("system", "=", key.system)
        .where("entity", "=", key.entity)
        .where("record_id", "=", key.record_id)
        .where("fingerprint", "=", report.fingerprint)
        .where("expires_at", ">", at)
        .executeTakeFirst();
      if (found) return { routeId: found.route_id, writtenAt: Number(found.written_at) };
      // Only writes remembered before this check: one made meanwhile is newer than the report.
      await db
        .deleteFrom("echo_writes")
        .where("system", "=", key.system)
        .where("entity", "=", key.entity)
        .where("record_id", "=", key.record_id)
        .where("written_at", "<=", at)
        .execute();
      return undefined;
    },
    async prune() {
      const result = await db.deleteFrom("echo_writes").where("expires_at", "<=", now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function keyOf(record: RecordFingerprint) {
  const id = record.id.length <= MAX_ID ? record.id : `sha256-${createHash("sha256").update(record.id).digest("hex")}`;
  return { system: record.system, entity: record.entity, record_id: id };
}
