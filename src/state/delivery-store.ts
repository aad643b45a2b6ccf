import type { Database } from "better-sqlite3";
import { deleteInSlices } from "./delete-in-slices.js";
import { groupCommit } from "./group-commit.js";
import { sqliteHandle, type StateDb } from "./state-db.js";

/**
 * Remembers which (route, event id) pairs were delivered, so a redelivered message — after a
 * worker crash, a lost ack, or a sender's retry — is acked without calling the target again.
 */
export interface DeliveryStore {
  isDelivered(routeId: string, eventId: string): Promise<boolean>;
  markDelivered(routeId: string, eventId: string, targetId: string | undefined): Promise<void>;
  /** Deletes records older than `olderThanMs`; returns how many. */
  prune(olderThanMs: number): Promise<number>;
}

export function createDeliveryStore(db: StateDb): DeliveryStore {
  const sqlite = sqliteHandle(db);
  const prune = async (olderThanMs: number) => {
    const cutoff = Date.now() - olderThanMs;
    if (sqlite) return deleteInSlices(sqlite, "delivered", "delivered_at", cutoff);
    const result = await db.deleteFrom("delivered").where("delivered_at", "<", cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  };
  return sqlite ? sqliteStore(sqlite, prune) : kyselyStore(db, prune);
}

/**
 * SQLite: two statements prepared once and run synchronously. Records are group-committed (see
 * group-commit.ts): the marks — and claims — made in one turn of the event loop go in one
 * transaction. markDelivered resolves only after its transaction committed, so the ack that
 * follows it is as safe as before; a failed commit rejects every mark in it, and those events are
 * retried like any failed mark.
 */
function sqliteStore(database: Database, prune: DeliveryStore["prune"]): DeliveryStore {
  const select = database.prepare<[string, string]>("select 1 from delivered where route_id = ? and event_id = ?").pluck();
  const insert = database.prepare<[string, string, string | null, number]>(
    "insert into delivered (route_id, event_id, target_id, delivered_at) values (?, ?, ?, ?) on conflict (route_id, event_id) do nothing",
  );
  const commits = groupCommit(database);
  return {
    async isDelivered(routeId, eventId) {
      return select.get(routeId, eventId) !== undefined;
    },
    markDelivered(routeId, eventId, targetId) {
      const at = Date.now();
      return commits.run(() => {
        insert.run(routeId, eventId, targetId ?? null, at);
      });
    },
    prune,
  };
}

function kyselyStore(db: StateDb, prune: DeliveryStore["prune"]): DeliveryStore {
  return {
    async isDelivered(routeId, eventId) {
      const row = await db
        .selectFrom("delivered")
        .select("event_id")
        .where("route_id", "=", routeId)
        .where("event_id", "=", eventId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async markDelivered(routeId, eventId, targetId) {
      await db
        .insertInto("delivered")
        .values({ route_id: routeId, event_id: eventId, target_id: targetId ?? null, delivered_at: Date.now() })
        .onConflict((conflict) => conflict.columns(["route_id", "event_id"]).doNothing())
        .execute();
    },
    prune,
  };
}
