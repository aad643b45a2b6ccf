import type { TokenStore } from "../contracts/token-store.js";
import type { StateDb } from "./state-db.js";

/**
 * Keeps rotating credentials (QuickBooks refresh tokens) in the state store: a refresh token
 * replaced by the provider must survive a restart, or the next start uses a dead one.
 */
export function createSqlTokenStore(db: StateDb): TokenStore {
  return {
    async get(key) {
      const row = await db.selectFrom("tokens").select("value").where("key", "=", key).executeTakeFirst();
      return row?.value;
    },
    async set(key, value) {
      await db
        .insertInto("tokens")
        .values({ key, value, updated_at: Date.now() })
        .onConflict((conflict) => conflict.column("key").doUpdateSet({ value, updated_at: Date.now() }))
        .execute();
    },
  };
}
