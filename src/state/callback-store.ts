import { sql } from "kysely";
import type { StateDb } from "./state-db.js";

/** One asynchronous call's callback payload, kept from the route's answer until its POST is settled. */
type CallbackTables = {
  async_callbacks: {
    route_id: string;
    event_id: string;
    payload: string;
    expires_at: number;
  };
};

/**
 * The results of asynchronous API calls whose callback is not settled yet (POSTed with a 2xx, or its
 * retry copy confirmed by the broker), per (route, event id). A redelivered call finds its result
 * here and only re-posts it: the route's destination is never called twice for one call.
 */
export interface CallbackStore {
  /** Keeps the payload (the first one kept stays: a redelivery must POST what was first answered). */
  keep(routeId: string, eventId: string, payload: string): Promise<void>;
  /** The payload kept for the call, if its callback is not settled yet. */
  pending(routeId: string, eventId: string): Promise<string | undefined>;
  /** The callback is settled: forget the payload. */
  settled(routeId: string, eventId: string): Promise<void>;
}

/** Any key, the same in every process: serializes the table's creation on PostgreSQL. */
const CREATE_LOCK = 727_303;
/**
 * How long an unsettled payload is kept: far longer than the broker's redeliveries of one message
 * (route-topology's DELIVERY_LIMIT) take, so only rows whose `settled` failed (the store was down) expire.
 */
const KEEP_MS = 7 * 24 * 3_600_000;
/** Expired rows are deleted every this many kept payloads. */
const PRUNE_EVERY = 200;

export async function createCallbackStore(stateDb: StateDb, engine: "sqlite" | "postgres"): Promise<CallbackStore> {
  const db = stateDb.withTables<CallbackTables>();
  await db.transaction().execute(async (trx) => {
    if (engine === "postgres") await sql`select pg_advisory_xact_lock(${CREATE_LOCK})`.execute(trx);
    await trx.schema
      .createTable("async_callbacks")
      .ifNotExists()
      .addColumn("route_id", "varchar(100)", (c) => c.notNull())
      .addColumn("event_id", "varchar(255)", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("async_callbacks_pk", ["route_id", "event_id"])
      .execute();
  });
  let kept = 0;
  return {
    async keep(routeId, eventId, payload) {
      await db
        .insertInto("async_callbacks")
        .values({ route_id: routeId, event_id: eventId, payload, expires_at: Date.now() + KEEP_MS })
        .onConflict((conflict) => conflict.columns(["route_id", "event_id"]).doNothing())
        .execute();
      kept += 1;
      if (kept % PRUNE_EVERY === 0) await db.deleteFrom("async_callbacks").where("expires_at", "<", Date.now()).execute();
    },
    async pending(routeId, eventId) {
      const row = await db
        .selectFrom("async_callbacks")
        .select("payload")
        .where("route_id", "=", routeId)
        .where("event_id", "=", eventId)
        .where("expires_at", ">", Date.now())
        .executeTakeFirst();
      return row?.payload;
    },
    async settled(routeId, eventId) {
      await db.deleteFrom("async_callbacks").where("route_id", "=", routeId).where("event_id", "=", eventId).execute();
    },
  };
}
