import { sql } from "kysely";
import type { IdempotencyStore } from "../contracts/sync-call.js";
import type { StateDb } from "./state-db.js";

/** One `Idempotency-Key` of one API endpoint: pending (`status` null) until the first call's answer is stored. */
type IdempotencyTables = {
  api_idempotency: {
    endpoint_id: string;
    key: string;
    status: number | null;
    body: string | null;
    expires_at: number;
  };
};

/** Any key, the same in every process: serializes the table's creation on PostgreSQL. */
const CREATE_LOCK = 727_302;
/** Expired keys are deleted every this many stored answers. */
const PRUNE_EVERY = 200;

/**
 * The answers of API calls made with an `Idempotency-Key`, in the state store every ingress
 * replica shares (SQLite or PostgreSQL): the first call of a key takes it (an insert only one
 * replica can win), runs, and stores its answer for the endpoint's window; a repeat gets that
 * answer, or `pending` while the first runs. A pending key whose call never answered is taken
 * over once it expires.
 */
export async function createIdempotencyStore(stateDb: StateDb, engine: "sqlite" | "postgres"): Promise<IdempotencyStore> {
  const db = stateDb.withTables<IdempotencyTables>();
  await db.transaction().execute(async (trx) => {
    if (engine === "postgres") await sql`select pg_advisory_xact_lock(${CREATE_LOCK})`.execute(trx);
    await trx.schema
      .createTable("api_idempotency")
      .ifNotExists()
      .addColumn("endpoint_id", "varchar(64)", (c) => c.notNull())
      .addColumn("key", "varchar(255)", (c) => c.notNull())
      .addColumn("status", "integer")
      .addColumn("body", "text")
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("api_idempotency_pk", ["endpoint_id", "key"])
      .execute();
  });
  let finished = 0;

  const begin: IdempotencyStore["begin"] = async (endpointId, key, pendingMs) => {
    const now = Date.now();
    const inserted = await db
      .insertInto("api_idempotency")
      .values({ endpoint_id: endpointId, key, status: null, body: null, expires_at: now + pendingMs })
      .onConflict((conflict) => conflict.columns(["endpoint_id", "key"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { kind: "new" };
    const row = await db
      .selectFrom("api_idempotency")
      .select(["status", "body", "expires_at"])
      .where("endpoint_id", "=", endpointId)
      .where("key", "=", key)
      .executeTakeFirst();
    // Deleted between the two statements (abandoned): try again.
    if (!row) return begin(endpointId, key, pendingMs);
    if (Number(row.expires_at) > now) {
      return row.status === null ? { kind: "pending" } : { kind: "done", status: row.status, body: row.body ?? "null" };
    }
    // Expired: taken over by whoever changes it first (compare-and-set on the old expiry).
    const taken = await db
      .updateTable("api_idempotency")
      .set({ status: null, body: null, expires_at: now + pendingMs })
      .where("endpoint_id", "=", endpointId)
      .where("key", "=", key)
      .where("expires_at", "=", row.expires_at)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0 ? { kind: "new" } : { kind: "pending" };
  };

  return {
    begin,
    async finish(endpointId, key, status, body, windowMs) {
      await db
        .updateTable("api_idempotency")
        .set({ status, body, expires_at: Date.now() + windowMs })
        .where("endpoint_id", "=", endpointId)
        .where("key", "=", key)
        .execute();
      finished += 1;
      if (finished % PRUNE_EVERY === 0) await db.deleteFrom("api_idempotency").where("expires_at", "<", Date.now()).execute();
    },
    async abandon(endpointId, key) {
      await db.deleteFrom("api_idempotency").where("endpoint_id", "=", endpointId).where("key", "=", key).where("status", "is", null).execute();
    },
  };
}
