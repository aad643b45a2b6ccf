import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";

/** Tables of the state store. Timestamps are epoch milliseconds, the same on both engines. */
export interface StateTables {
  delivered: {
    route_id: string;
    event_id: string;
    target_id: string | null;
    delivered_at: number;
  };
  tokens: {
    key: string;
    value: string;
    updated_at: number;
  };
}

export type StateDb = Kysely<StateTables>;

/**
 * Opens the state store: embedded SQLite in `DATA_DIR/state.sqlite` by default, or PostgreSQL
 * when `databaseUrl` is set, so several worker machines can share dedup records. The same Kysely
 * queries run on both.
 */
export async function openStateDb(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<StateDb> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  await migrate(db);
  return db;
}

function openSqlite(dataDir: string): StateDb {
  mkdirSync(dataDir, { recursive: true });
  const database = new SQLite(join(dataDir, "state.sqlite"));
  database.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; a dedup record lost to a power cut
  // only means an idempotent call is repeated.
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  return new Kysely<StateTables>({ dialect: new SqliteDialect({ database }) });
}

function openPostgres(url: string): StateDb {
  return new Kysely<StateTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }) });
}

/** Idempotent schema set-up; both engines accept this DDL. */
async function migrate(db: StateDb): Promise<void> {
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
  await db.schema
    .createTable("tokens")
    .ifNotExists()
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await sql`select 1`.execute(db);
}
