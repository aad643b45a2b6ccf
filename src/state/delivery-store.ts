import type { StateDb } from "./state-db.js";

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
    async prune(olderThanMs) {
      const result = await db.deleteFrom("delivered").where("delivered_at", "<", Date.now() - olderThanMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
