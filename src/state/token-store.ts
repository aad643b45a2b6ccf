import { sql } from "kysely";
import type { TokenStore } from "../contracts/token-store.js";
import { sqliteHandle, type StateDb } from "./state-db.js";
import { POSTGRES_NOW_MS } from "./store-clock.js";

/**
 * Keeps rotating credentials (QuickBooks refresh tokens) in the state store: a refresh token
 * replaced by the provider must survive a restart, or the next start uses a dead one. Every
 * process on the store (one SQLite file, or PostgreSQL across machines) sees the same tokens and
 * the same leases; each write and each lease is one atomic statement, so no transaction stays
 * open while a token endpoint answers.
 */
export function createSqlTokenStore(db: StateDb): TokenStore {
  // Leases expire by one clock: PostgreSQL's, or this machine's for the processes on a SQLite file.
  const now = () => (sqliteHandle(db) ? sql<number>`${Date.now()}` : POSTGRES_NOW_MS);
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
    async compareAndSet(key, expected, value) {
      const updatedAt = Date.now();
      if (expected === undefined) {
        const inserted = await db
          .insertInto("tokens")
          .values({ key, value, updated_at: updatedAt })
          .onConflict((conflict) => conflict.column("key").doNothing())
          .executeTakeFirst();
        return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
      }
      const updated = await db
        .updateTable("tokens")
        .set({ value, updated_at: updatedAt })
        .where("key", "=", key)
        .where("value", "=", expected)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
    async lease(key, owner, ttlMs) {
      // Atomic on both engines: a concurrent taker waits for this row, then finds it live.
      const { rows } = await sql<{ owner: string }>`
        insert into token_leases (key, owner, expires_at) values (${key}, ${owner}, ${now()} + ${ttlMs})
        on conflict (key) do update set owner = excluded.owner, expires_at = excluded.expires_at
          where token_leases.expires_at <= ${now()} or token_leases.owner = excluded.owner
        returning owner`.execute(db);
      return rows.length === 1;
    },
    async release(key, owner) {
      await db.deleteFrom("token_leases").where("key", "=", key).where("owner", "=", owner).execute();
    },
  };
}
