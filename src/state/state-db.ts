import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { withStatementCache } from "./statement-cache.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

/** Tables of the state store. Timestamps are epoch milliseconds, the same on both engines. */
export interface StateTables {
  delivered: {
    route_id: string;
    event_id: string;
    target_id: string | null;
    delivered_at: number;
  };
  /**
   * Who is delivering a (route, event id) right now: taken before the target is called, released
   * when the attempt ends, taken over once `expires_at` has passed (`fence` counts take-overs).
   */
  claims: {
    route_id: string;
    event_id: string;
    owner: string;
    fence: number;
    expires_at: number;
  };
  /**
   * Destination limits (limit-store.ts): one row per slot of a pool (a budget's rate window or its
   * in-flight limit); a slot is free once `free_at` has passed.
   */
  limit_slots: {
    pool: string;
    slot: number;
    free_at: number;
    holder: string | null;
  };
  tokens: {
    key: string;
    value: string;
    updated_at: number;
  };
  /** Who is refreshing the token at `key` right now (one process at a time), until `expires_at`. */
  token_leases: {
    key: string;
    owner: string;
    expires_at: number;
  };
  /**
   * Two-way sync (echo-store.ts): a write the router made to another system, remembered until
   * `expires_at` so that system's report of it is recognized as an echo.
   */
  echo_writes: {
    system: string;
    entity: string;
    record_id: string;
    /** Hex SHA-256 of the canonical JSON of the field values written. */
    fingerprint: string;
    route_id: string;
    written_at: number;
    expires_at: number;
  };
  /**
   * Routes and destinations an operator paused (pause-store.ts): every worker process polls this
   * handful of rows and stops consuming the queues they cover. `kind` is `route` or `destination`.
   */
  pauses: {
    kind: string;
    target_id: string;
    reason: string | null;
    paused_at: number;
  };
  /**
   * Alerts journal (src/ops/delivery-log/alert-journal.ts): one row per alert email sent or failed,
   * and per digest being held; kept and pruned like the delivery log. `recipients` is a JSON array.
   */
  log_alerts: {
    id: string;
    at: number;
    kind: string;
    status: string;
    subject: string;
    recipients: string;
    event_id: string | null;
    route_id: string | null;
    source_id: string | null;
    held_count: number | null;
    error: string | null;
  };
  /**
   * One row per polling source: the lease (`owner` until `lease_expires_at`; `fence` counts
   * take-overs, and every write below names it, so a process that lost the lease writes nothing),
   * the cursor, the unfinished run's position, and the last run's outcome for /status.
   */
  poll_state: {
    source_id: string;
    owner: string | null;
    fence: number;
    lease_expires_at: number;
    /** Epoch ms where the next window starts (the greatest `modified` seen, less the overlap). */
    cursor_ms: number | null;
    /** The greatest `modified` seen so far (epoch ms). */
    high_water_ms: number | null;
    /** Set while a run is unfinished: its window start and where its next page is (JSON). */
    run_since_ms: number | null;
    run_position: string | null;
    last_run_at: number | null;
    last_success_at: number | null;
    last_error: string | null;
    last_error_at: number | null;
    /** Since when every run has failed (null after a success). */
    failing_since: number | null;
    last_items: number | null;
    last_pages: number | null;
    /** A `poll run` by hand waiting for the lease: the holder gives it up between runs, others let it pass. */
    requested_by: string | null;
    requested_at: number | null;
  };
  /** Items already published near the cursor, so an overlapping window publishes nothing twice. */
  poll_seen: {
    source_id: string;
    event_id: string;
    modified_ms: number;
  };
  /** Delivery log: one row per event id (a stub, source null, when only a worker saw it). */
  log_events: {
    event_id: string;
    source_id: string | null;
    type: string | null;
    subject: string | null;
    event_time: string | null;
    received_at: number;
    /** `broker` or `spool`, or `rejected` (refused for its request schema); null for a stub. */
    via: string | null;
    /** Times the ingress received this id, accepted or rejected (a sender's retry repeats it); 0 for a stub. */
    receipts: number;
    /** The CloudEvent body, only with DELIVERY_LOG_PAYLOADS. */
    payload: string | null;
    /** An API call's end for its caller (contracts' ApiCallStatus); null for a webhook and a stub. */
    api_call: string | null;
  };
  /** Delivery log: one row per processed message (attempt) of an event on a route. */
  log_attempts: {
    event_id: string;
    route_id: string;
    attempt: number;
    at: number;
    outcome: string;
    status: number | null;
    latency_ms: number | null;
    error: string | null;
    reason: string | null;
    delay_ms: number | null;
  };
  /** Delivery log: each route's current state for an event. */
  log_routes: {
    event_id: string;
    route_id: string;
    state: string;
    attempts: number;
    updated_at: number;
  };
}

export type StateDb = Kysely<StateTables>;

/** Any key, the same in every process: the advisory lock that serializes migrations. */
const MIGRATION_LOCK = 727_301;

/**
 * Opens the state store: embedded SQLite in `DATA_DIR/state.sqlite` by default, or PostgreSQL
 * when `databaseUrl` is set, so several worker machines can share dedup records. The same Kysely
 * queries run on both.
 */
export async function openStateDb(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<StateDb> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  await db.transaction().execute(async (trx) => {
    // CREATE … IF NOT EXISTS is not race-free on PostgreSQL: processes starting together against
    // one database take turns (DDL is transactional there, so the lock covers it).
    if (options.databaseUrl) await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await migrate(trx, options.databaseUrl ? "postgres" : "sqlite");
  });
  return db;
}

/**
 * The better-sqlite3 handle behind a SQLite state store, for the worker's hot paths (dedup, the
 * delivery log's batches): a statement prepared once and run directly costs a few µs, where
 * building the same query through Kysely per call cost ~100 µs per event (bench/README.md).
 * Undefined on PostgreSQL, where the Kysely queries are used.
 */
export function sqliteHandle(db: StateDb): SQLite.Database | undefined {
  return sqliteHandles.get(db);
}

const sqliteHandles = new WeakMap<StateDb, SQLite.Database>();

/** Where the SQLite state store lives in DATA_DIR. */
export function stateFile(dataDir: string): string {
  return join(dataDir, "state.sqlite");
}

function openSqlite(dataDir: string): StateDb {
  mkdirSync(dataDir, { recursive: true });
  const path = stateFile(dataDir);
  const database = new SQLite(path);
  database.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; a dedup record lost to a power cut
  // only means an idempotent call is repeated.
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  const checkpointer = startWalCheckpointer(database, path);
  const db = new Kysely<StateTables>({ dialect: new SqliteDialect({ database: withStatementCache(database, () => checkpointer.stop()) }) });
  sqliteHandles.set(db, database);
  return db;
}

function openPostgres(url: string): StateDb {
  return new Kysely<StateTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }) });
}

/** Idempotent schema set-up; both engines accept this DDL. */
async function migrate(db: StateDb, engine: "sqlite" | "postgres"): Promise<void> {
  await db.schema
    .createTable("delivered")
    .ifNotExists()
    .addColumn("route_id", "varchar(100)", (c) => c.notNull())
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("target_id", "varchar(255)")
    .addColumn("delivered_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("delivered_pk", ["route_id", "event_id"])
    .execute();
  await db.schema.createIndex("delivered_at_idx").ifNotExists().on("delivered").column("delivered_at").execute();
  // Claims hold only deliveries in progress (and leftovers of crashed workers): a handful of rows,
  // written twice per event. So no index beside the key, and on SQLite no rowid either: one
  // b-tree, one page, per commit to the WAL (three b-trees had cost ~40 µs per event).
  await db.schema
    .createTable("claims")
    .ifNotExists()
    .addColumn("route_id", "varchar(100)", (c) => c.notNull())
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("owner", "varchar(255)", (c) => c.notNull())
    .addColumn("fence", "integer", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("claims_pk", ["route_id", "event_id"])
    .$call((table) => (engine === "sqlite" ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  // A few hundred rows per limited destination, updated in place: no index beside the key.
  await db.schema
    .createTable("limit_slots")
    .ifNotExists()
    .addColumn("pool", "varchar(200)", (c) => c.notNull())
    .addColumn("slot", "integer", (c) => c.notNull())
    .addColumn("free_at", "bigint", (c) => c.notNull())
    .addColumn("holder", "varchar(32)")
    .addPrimaryKeyConstraint("limit_slots_pk", ["pool", "slot"])
    .$call((table) => (engine === "sqlite" ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  await db.schema
    .createTable("tokens")
    .ifNotExists()
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("token_leases")
    .ifNotExists()
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("owner", "varchar(255)", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("echo_writes")
    .ifNotExists()
    .addColumn("system", "varchar(100)", (c) => c.notNull())
    .addColumn("entity", "varchar(100)", (c) => c.notNull())
    .addColumn("record_id", "varchar(255)", (c) => c.notNull())
    .addColumn("fingerprint", "varchar(64)", (c) => c.notNull())
    .addColumn("route_id", "varchar(100)", (c) => c.notNull())
    .addColumn("written_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("echo_writes_pk", ["system", "entity", "record_id", "fingerprint"])
    .execute();
  await db.schema.createIndex("echo_writes_expires_idx").ifNotExists().on("echo_writes").column("expires_at").execute();
  // A row per paused route or destination: read whole every second by each worker, so no index beside the key.
  await db.schema
    .createTable("pauses")
    .ifNotExists()
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("target_id", "varchar(100)", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("paused_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("pauses_pk", ["kind", "target_id"])
    .execute();
  await migrateDeliveryLog(db, engine);
  await migratePolls(db, engine);
  await sql`select 1`.execute(db);
}

/** The polling sources' lease, cursor and recently seen items (see src/poll/). */
async function migratePolls(db: StateDb, engine: "sqlite" | "postgres"): Promise<void> {
  await db.schema
    .createTable("poll_state")
    .ifNotExists()
    .addColumn("source_id", "varchar(100)", (c) => c.primaryKey())
    .addColumn("owner", "varchar(255)")
    .addColumn("fence", "bigint", (c) => c.notNull())
    .addColumn("lease_expires_at", "bigint", (c) => c.notNull())
    .addColumn("cursor_ms", "bigint")
    .addColumn("high_water_ms", "bigint")
    .addColumn("run_since_ms", "bigint")
    .addColumn("run_position", "text")
    .addColumn("last_run_at", "bigint")
    .addColumn("last_success_at", "bigint")
    .addColumn("last_error", "text")
    .addColumn("last_error_at", "bigint")
    .addColumn("failing_since", "bigint")
    .addColumn("last_items", "integer")
    .addColumn("last_pages", "integer")
    .addColumn("requested_by", "varchar(255)")
    .addColumn("requested_at", "bigint")
    .execute();
  await db.schema
    .createTable("poll_seen")
    .ifNotExists()
    .addColumn("source_id", "varchar(100)", (c) => c.notNull())
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("modified_ms", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("poll_seen_pk", ["source_id", "event_id"])
    .$call((table) => (engine === "sqlite" ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  await db.schema.createIndex("poll_seen_modified_idx").ifNotExists().on("poll_seen").columns(["source_id", "modified_ms"]).execute();
}

/** The delivery log's tables (see src/ops/delivery-log); bigint epoch ms like the rest. */
async function migrateDeliveryLog(db: StateDb, engine: "sqlite" | "postgres"): Promise<void> {
  await db.schema
    .createTable("log_events")
    .ifNotExists()
    .addColumn("event_id", "varchar(255)", (c) => c.primaryKey())
    .addColumn("source_id", "varchar(100)")
    .addColumn("type", "varchar(255)")
    .addColumn("subject", "varchar(255)")
    .addColumn("event_time", "varchar(64)")
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("via", "varchar(16)")
    .addColumn("receipts", "integer", (c) => c.notNull())
    .addColumn("payload", "text")
    .addColumn("api_call", "varchar(16)")
    .execute();
  // Added after the table first shipped: a log created before has it added here.
  await addColumnIfMissing(db, engine, "log_events", "api_call", "varchar(16)");
  await db.schema.createIndex("log_events_received_idx").ifNotExists().on("log_events").columns(["received_at"]).execute();
  await db.schema.createIndex("log_events_source_idx").ifNotExists().on("log_events").columns(["source_id", "received_at"]).execute();
  await db.schema
    .createTable("log_attempts")
    .ifNotExists()
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("route_id", "varchar(100)", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("outcome", "varchar(16)", (c) => c.notNull())
    .addColumn("status", "integer")
    .addColumn("latency_ms", "double precision")
    .addColumn("error", "text")
    .addColumn("reason", "varchar(32)")
    .addColumn("delay_ms", "bigint")
    .execute();
  await db.schema.createIndex("log_attempts_event_idx").ifNotExists().on("log_attempts").columns(["event_id", "at"]).execute();
  await db.schema.createIndex("log_attempts_at_idx").ifNotExists().on("log_attempts").columns(["at"]).execute();
  await db.schema
    .createTable("log_routes")
    .ifNotExists()
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("route_id", "varchar(100)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("log_routes_pk", ["event_id", "route_id"])
    .execute();
  await db.schema.createIndex("log_routes_state_idx").ifNotExists().on("log_routes").columns(["route_id", "state"]).execute();
  await db.schema.createIndex("log_routes_updated_idx").ifNotExists().on("log_routes").columns(["updated_at"]).execute();
  // Ids sort by time (alert-journal.ts), so the newest-first listing and its cursor use the key.
  await db.schema
    .createTable("log_alerts")
    .ifNotExists()
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    .addColumn("status", "varchar(8)", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("recipients", "text", (c) => c.notNull())
    .addColumn("event_id", "varchar(255)")
    .addColumn("route_id", "varchar(100)")
    .addColumn("source_id", "varchar(100)")
    .addColumn("held_count", "integer")
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("log_alerts_at_idx").ifNotExists().on("log_alerts").columns(["at"]).execute();
  await db.schema.createIndex("log_alerts_kind_idx").ifNotExists().on("log_alerts").columns(["kind", "id"]).execute();
}

/** `add column if not exists`, which SQLite lacks: there it asks the table first (a racing process's add is harmless). */
async function addColumnIfMissing(db: StateDb, engine: "sqlite" | "postgres", table: string, column: string, type: string): Promise<void> {
  if (engine === "postgres") {
    await sql`alter table ${sql.table(table)} add column if not exists ${sql.ref(column)} ${sql.raw(type)}`.execute(db);
    return;
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table}) where name = ${column}`.execute(db);
  if (rows.length > 0) return;
  await sql`alter table ${sql.table(table)} add column ${sql.ref(column)} ${sql.raw(type)}`.execute(db).catch((error: Error) => {
    if (!/duplicate column/i.test(error.message)) throw error;
  });
}
