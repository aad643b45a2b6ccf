import type { Database, Statement } from "better-sqlite3";
import type { BatchPlan } from "./batch-plan.js";

/** The statements of one database, prepared on its first batch. */
interface Statements {
  readonly receipt: Statement;
  readonly stub: Statement;
  readonly attempt: Statement;
  readonly latest: Statement;
  readonly ifNew: Statement;
}

const prepared = new WeakMap<Database, Statements>();

/** When a receipt replaces the kept one: a stub's, or a rejection's once the event is accepted. */
const TAKES_OVER = "(log_events.via is null or (log_events.via = 'rejected' and excluded.via <> 'rejected'))";

/**
 * Writes a batch on SQLite: the SQL that write-batch.ts builds with Kysely for PostgreSQL, one
 * row per run of a statement prepared once, in one synchronous transaction. Synchronous matters
 * beyond speed: the worker's dedup store shares this connection, and a transaction left open
 * across an `await` would swallow its records (committed only with the batch, after the ack).
 */
export function writeSqliteBatch(database: Database, plan: BatchPlan): void {
  const statements = prepared.get(database) ?? prepare(database);
  database.transaction(() => {
    for (const row of plan.receipts) {
      statements.receipt.run(row.eventId, row.sourceId, row.type, row.subject, row.time, row.receivedAt, row.via, row.count, row.payload, row.call);
    }
    for (const [eventId, at] of plan.stubs) statements.stub.run(eventId, at);
    for (const row of plan.attempts) {
      statements.attempt.run(
        row.eventId,
        row.routeId,
        row.attempt,
        row.at,
        row.outcome,
        row.status,
        row.latencyMs,
        row.error,
        row.reason,
        row.delayMs,
      );
    }
    for (const row of plan.latest) statements.latest.run(row.eventId, row.routeId, row.state, row.attempts, row.at);
    for (const row of plan.ifNew) statements.ifNew.run(row.eventId, row.routeId, row.state, row.attempts, row.at);
  })();
}

function prepare(database: Database): Statements {
  const statements: Statements = {
    // The first receipt is the one kept; a stub (via null) takes the receipt's fields, and so does
    // a rejection that an acceptance follows (TAKES_OVER).
    receipt: database.prepare(`
      insert into log_events (event_id, source_id, type, subject, event_time, received_at, via, receipts, payload, api_call)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (event_id) do update set
        source_id = coalesce(log_events.source_id, excluded.source_id),
        type = coalesce(log_events.type, excluded.type),
        subject = case when ${TAKES_OVER} then excluded.subject else log_events.subject end,
        event_time = coalesce(log_events.event_time, excluded.event_time),
        received_at = case when ${TAKES_OVER} then excluded.received_at else log_events.received_at end,
        via = case when ${TAKES_OVER} then excluded.via else log_events.via end,
        receipts = log_events.receipts + excluded.receipts,
        payload = case when ${TAKES_OVER} then coalesce(excluded.payload, log_events.payload) else coalesce(log_events.payload, excluded.payload) end,
        api_call = case when ${TAKES_OVER} then excluded.api_call else coalesce(log_events.api_call, excluded.api_call) end`),
    stub: database.prepare(`
      insert into log_events (event_id, source_id, type, subject, event_time, received_at, via, receipts, payload, api_call)
      values (?, null, null, null, null, ?, null, 0, null, null)
      on conflict (event_id) do nothing`),
    attempt: database.prepare(`
      insert into log_attempts (event_id, route_id, attempt, at, outcome, status, latency_ms, error, reason, delay_ms)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // Older news (a slower process, a late batch) never overwrites newer; see write-batch.ts.
    latest: database.prepare(`
      insert into log_routes (event_id, route_id, state, attempts, updated_at) values (?, ?, ?, ?, ?)
      on conflict (event_id, route_id) do update set
        state = excluded.state, attempts = excluded.attempts, updated_at = excluded.updated_at
      where log_routes.updated_at < excluded.updated_at
        or (log_routes.updated_at = excluded.updated_at and excluded.state <> 'pending')`),
    ifNew: database.prepare(`
      insert into log_routes (event_id, route_id, state, attempts, updated_at) values (?, ?, ?, ?, ?)
      on conflict (event_id, route_id) do nothing`),
  };
  prepared.set(database, statements);
  return statements;
}
