import type { Transaction } from "kysely";
import { sqliteHandle, type StateDb, type StateTables } from "../../state/state-db.js";
import type { AttemptRow, LogRow, ReceiptRow, StateRow } from "./log-rows.js";
import { writeSqliteBatch } from "./sqlite-batch.js";

/** Rows per INSERT: far below SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 100;

/**
 * Writes a batch of log rows in one transaction: Kysely queries on PostgreSQL, the same SQL as
 * statements prepared once on SQLite (sqlite-batch.ts).
 * Rows for one key are merged first: PostgreSQL refuses an upsert that touches a row twice.
 * Every write is an upsert or an append, so rows from several processes (a shared PostgreSQL)
 * can arrive in any order and still converge.
 */
export async function writeBatch(db: StateDb, rows: readonly LogRow[]): Promise<void> {
  const plan = planBatch(rows);
  const sqlite = sqliteHandle(db);
  if (sqlite) writeSqliteBatch(sqlite, plan);
  else await writeKyselyBatch(db, plan);
}

/** A batch merged and split by table, in the order it is written. */
export interface BatchPlan {
  readonly receipts: readonly (ReceiptRow & { count: number })[];
  /** Event id → time of the stub `log_events` row (for events whose receipt is not in this batch). */
  readonly stubs: ReadonlyMap<string, number>;
  readonly attempts: readonly AttemptRow[];
  readonly latest: readonly StateRow[];
  readonly ifNew: readonly StateRow[];
}

function planBatch(rows: readonly LogRow[]): BatchPlan {
  const receipts = mergeReceipts(rows);
  const attempts = rows.filter((row): row is AttemptRow => row.kind === "attempt");
  const { latest, ifNew } = mergeStates(rows);
  // A worker's own log (SQLite, split roles) never sees the receipt: a stub row keeps the
  // event searchable, and a receipt arriving later fills it in.
  const stubs = new Map<string, number>();
  for (const row of [...attempts, ...latest, ...ifNew]) {
    if (!receipts.has(row.eventId) && !stubs.has(row.eventId)) stubs.set(row.eventId, row.at);
  }
  return { receipts: [...receipts.values()], stubs, attempts, latest, ifNew };
}

async function writeKyselyBatch(db: StateDb, { receipts, stubs, attempts, latest, ifNew }: BatchPlan): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunks(receipts)) await upsertReceipts(trx, chunk);
    for (const chunk of chunks([...stubs])) {
      await trx
        .insertInto("log_events")
        .values(chunk.map(([eventId, at]) => ({ ...STUB, event_id: eventId, received_at: at })))
        .onConflict((conflict) => conflict.column("event_id").doNothing())
        .execute();
    }
    for (const chunk of chunks(attempts)) await trx.insertInto("log_attempts").values(chunk.map(attemptValues)).execute();
    for (const chunk of chunks(latest)) {
      await trx
        .insertInto("log_routes")
        .values(chunk.map(stateValues))
        .onConflict((conflict) =>
          conflict
            .columns(["event_id", "route_id"])
            .doUpdateSet((eb) => ({
              state: eb.ref("excluded.state"),
              attempts: eb.ref("excluded.attempts"),
              updated_at: eb.ref("excluded.updated_at"),
            }))
            // Older news (a slower process, a late batch) never overwrites newer; see `newer`.
            .where((eb) =>
              eb.or([
                eb("log_routes.updated_at", "<", eb.ref("excluded.updated_at")),
                eb.and([eb("log_routes.updated_at", "=", eb.ref("excluded.updated_at")), eb("excluded.state", "<>", "pending")]),
              ]),
            ),
        )
        .execute();
    }
    for (const chunk of chunks(ifNew)) {
      await trx
        .insertInto("log_routes")
        .values(chunk.map(stateValues))
        .onConflict((conflict) => conflict.columns(["event_id", "route_id"]).doNothing())
        .execute();
    }
  });
}

const STUB = { source_id: null, type: null, subject: null, event_time: null, via: null, receipts: 0, payload: null } as const;

function upsertReceipts(trx: Transaction<StateTables>, receipts: readonly (ReceiptRow & { count: number })[]) {
  return trx
    .insertInto("log_events")
    .values(
      receipts.map((row) => ({
        event_id: row.eventId,
        source_id: row.sourceId,
        type: row.type,
        subject: row.subject,
        event_time: row.time,
        received_at: row.receivedAt,
        via: row.via,
        receipts: row.count,
        payload: row.payload,
      })),
    )
    .onConflict((conflict) =>
      conflict.column("event_id").doUpdateSet((eb) => {
        // The first receipt is the one kept; a stub (via null) takes the receipt's fields.
        const stub = eb("log_events.via", "is", null);
        return {
          source_id: eb.fn.coalesce("log_events.source_id", "excluded.source_id"),
          type: eb.fn.coalesce("log_events.type", "excluded.type"),
          subject: eb.case().when(stub).then(eb.ref("excluded.subject")).else(eb.ref("log_events.subject")).end(),
          event_time: eb.fn.coalesce("log_events.event_time", "excluded.event_time"),
          received_at: eb.case().when(stub).then(eb.ref("excluded.received_at")).else(eb.ref("log_events.received_at")).end(),
          via: eb.fn.coalesce("log_events.via", "excluded.via"),
          receipts: eb("log_events.receipts", "+", eb.ref("excluded.receipts")),
          payload: eb.fn.coalesce("log_events.payload", "excluded.payload"),
        };
      }),
    )
    .execute();
}

function attemptValues(row: AttemptRow) {
  return {
    event_id: row.eventId,
    route_id: row.routeId,
    attempt: row.attempt,
    at: row.at,
    outcome: row.outcome,
    status: row.status,
    latency_ms: row.latencyMs,
    error: row.error,
    reason: row.reason,
    delay_ms: row.delayMs,
  };
}

function stateValues(row: StateRow) {
  return { event_id: row.eventId, route_id: row.routeId, state: row.state, attempts: row.attempts, updated_at: row.at };
}

/** One receipt per event id: the first, counting the repeats (a sender's retry). */
function mergeReceipts(rows: readonly LogRow[]): Map<string, ReceiptRow & { count: number }> {
  const merged = new Map<string, ReceiptRow & { count: number }>();
  for (const row of rows) {
    if (row.kind !== "receipt") continue;
    const earlier = merged.get(row.eventId);
    if (earlier) earlier.count += 1;
    else merged.set(row.eventId, { ...row, count: 1 });
  }
  return merged;
}

/** Per (event, route): the newest state to upsert, and the first of the if-new ones. */
function mergeStates(rows: readonly LogRow[]): { latest: StateRow[]; ifNew: StateRow[] } {
  const latest = new Map<string, StateRow>();
  const ifNew = new Map<string, StateRow>();
  for (const row of rows) {
    if (row.kind !== "state") continue;
    const key = `${row.eventId}\u0000${row.routeId}`;
    if (row.ifNew) {
      if (!ifNew.has(key)) ifNew.set(key, row);
    } else if (newer(row, latest.get(key))) {
      latest.set(key, row);
    }
  }
  return { latest: [...latest.values()], ifNew: [...ifNew.values()] };
}

/**
 * Whether `row` supersedes `current`: a later time wins, and on the same millisecond an outcome
 * beats `pending` — a pending (receipt, replay) only ever causes outcomes, never follows them.
 */
function newer(row: StateRow, current: StateRow | undefined): boolean {
  if (!current || row.at > current.at) return true;
  return row.at === current.at && row.state !== "pending";
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}
