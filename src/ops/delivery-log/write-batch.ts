import type { Transaction } from "kysely";
import { sqliteHandle, type StateDb, type StateTables } from "../../state/state-db.js";
import type { AttemptRow, LogRow, ReceiptRow, StateRow } from "./log-rows.js";
import { planBatch, type BatchPlan } from "./batch-plan.js";
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

const STUB = { source_id: null, type: null, subject: null, event_time: null, via: null, receipts: 0, payload: null, api_call: null } as const;

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
        api_call: row.call,
      })),
    )
    .onConflict((conflict) =>
      conflict.column("event_id").doUpdateSet((eb) => {
        // The first receipt is the one kept; a stub (via null) takes the receipt's fields, and so
        // does a rejection that an acceptance follows (the same rule as sqlite-batch.ts).
        const takesOver = eb.or([
          eb("log_events.via", "is", null),
          eb.and([eb("log_events.via", "=", "rejected"), eb("excluded.via", "<>", "rejected")]),
        ]);
        return {
          source_id: eb.fn.coalesce("log_events.source_id", "excluded.source_id"),
          type: eb.fn.coalesce("log_events.type", "excluded.type"),
          subject: eb.case().when(takesOver).then(eb.ref("excluded.subject")).else(eb.ref("log_events.subject")).end(),
          event_time: eb.fn.coalesce("log_events.event_time", "excluded.event_time"),
          received_at: eb.case().when(takesOver).then(eb.ref("excluded.received_at")).else(eb.ref("log_events.received_at")).end(),
          via: eb.case().when(takesOver).then(eb.ref("excluded.via")).else(eb.ref("log_events.via")).end(),
          receipts: eb("log_events.receipts", "+", eb.ref("excluded.receipts")),
          payload: eb
            .case()
            .when(takesOver)
            .then(eb.fn.coalesce("excluded.payload", "log_events.payload"))
            .else(eb.fn.coalesce("log_events.payload", "excluded.payload"))
            .end(),
          api_call: eb
            .case()
            .when(takesOver)
            .then(eb.ref("excluded.api_call"))
            .else(eb.fn.coalesce("log_events.api_call", "excluded.api_call"))
            .end(),
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

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}
