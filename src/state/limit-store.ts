import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import { sql } from "kysely";
import { groupCommit } from "./group-commit.js";
import { sqliteHandle, type StateDb } from "./state-db.js";

/**
 * A set of `size` slots that calls to a target take in turn. With `windowMs` it is a rate window:
 * a slot comes free only `windowMs` after the call that used it ENDED, so no window of that length
 * ever holds more than `size` calls as the target counts them (on arrival, which lies between the
 * call's start and its end). With `windowMs` 0 it is an in-flight limit: free again at the end.
 */
export interface SlotPool {
  /** Unique per budget and window, e.g. `quickbooks:…:rate:60000`. */
  readonly pool: string;
  readonly size: number;
  readonly windowMs: number;
}

/** A slot taken; give it back with `give`. */
export interface HeldSlot {
  readonly pool: string;
  readonly slot: number;
  readonly holder: string;
  readonly windowMs: number;
}

export type SlotAnswer =
  | { readonly kind: "granted"; readonly slots: readonly HeldSlot[] }
  /** `pool` had no free slot; its first comes free in `retryInMs` unless a holder gives one back sooner. */
  | { readonly kind: "full"; readonly pool: string; readonly retryInMs: number };

/**
 * Destination limits shared by every worker on the state store: the processes on one SQLite file,
 * or the machines sharing PostgreSQL — the same reach as the dedup records and claims.
 */
export interface LimitStore {
  /**
   * Takes one free slot of every pool, or none (atomically). A slot taken is held for `leaseMs`
   * (plus its window): a worker that dies holding it frees it by running out its lease.
   */
  take(pools: readonly SlotPool[], leaseMs: number): Promise<SlotAnswer>;
  /**
   * Gives slots back: a rate slot stays taken for its window from now when `used` (the call was
   * made), and comes free at once when not; an in-flight slot comes free at once. A slot whose
   * lease ran out and was taken by another is left alone.
   */
  give(slots: readonly HeldSlot[], used: boolean): Promise<void>;
}

export function createLimitStore(db: StateDb): LimitStore {
  const sqlite = sqliteHandle(db);
  return sqlite ? sqliteLimits(sqlite) : postgresLimits(db);
}

const newHolder = () => randomBytes(8).toString("hex");

/**
 * Slot rows are made once per pool and size, by whichever process needs them first; `forget`
 * when a pool turns out to have no rows (the transaction that made them was rolled back).
 */
function onceEach() {
  const made = new Set<string>();
  const key = (pool: SlotPool) => `${pool.pool}#${pool.size}`;
  return {
    make(pool: SlotPool, make: () => unknown) {
      if (made.has(key(pool))) return undefined;
      made.add(key(pool));
      return make();
    },
    forget: (pool: SlotPool) => made.delete(key(pool)),
  };
}

/**
 * SQLite: the check and the take run in one IMMEDIATE transaction (the group commit the claims
 * share), so every process on the file sees them in one order. This machine's clock is the
 * clock of all of them.
 */
function sqliteLimits(database: Database): LimitStore {
  const ensure = database.prepare<[string, number]>("insert into limit_slots (pool, slot, free_at) values (?, ?, 0) on conflict do nothing");
  const pick = database
    .prepare<[string, number, number]>("select slot from limit_slots where pool = ? and slot < ? and free_at <= ? order by free_at limit 1")
    .pluck();
  const soonest = database.prepare<[string, number]>("select min(free_at) from limit_slots where pool = ? and slot < ?").pluck();
  const hold = database.prepare<[number, string, string, number]>("update limit_slots set free_at = ?, holder = ? where pool = ? and slot = ?");
  const free = database.prepare<[number, string, number, string]>(
    "update limit_slots set free_at = ?, holder = null where pool = ? and slot = ? and holder = ?",
  );
  const commits = groupCommit(database);
  const made = onceEach();
  return {
    take(pools, leaseMs) {
      return commits.run((): SlotAnswer => {
        const now = Date.now();
        const picked: number[] = [];
        for (const pool of pools) {
          made.make(pool, () => {
            for (let slot = 0; slot < pool.size; slot += 1) ensure.run(pool.pool, slot);
          });
          const slot = pick.get(pool.pool, pool.size, now) as number | undefined;
          if (slot === undefined) {
            const first = soonest.get(pool.pool, pool.size) as number | null;
            if (first === null) made.forget(pool);
            return { kind: "full", pool: pool.pool, retryInMs: Math.max(0, Number(first ?? now) - now) };
          }
          picked.push(slot);
        }
        const holder = newHolder();
        const slots = pools.map((pool, i) => ({ pool: pool.pool, slot: picked[i]!, holder, windowMs: pool.windowMs }));
        for (const slot of slots) hold.run(now + leaseMs + slot.windowMs, holder, slot.pool, slot.slot);
        return { kind: "granted", slots };
      });
    },
    give(slots, used) {
      return commits.run(() => {
        const now = Date.now();
        for (const slot of slots) free.run(now + (used ? slot.windowMs : 0), slot.pool, slot.slot, slot.holder);
      });
    },
  };
}

// PostgreSQL's clock, not the workers': machines sharing the store may disagree by seconds.
const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * PostgreSQL: one transaction per take; each pool's free slot is locked with FOR UPDATE SKIP
 * LOCKED, so concurrent takers get different slots instead of queueing on one row.
 */
function postgresLimits(db: StateDb): LimitStore {
  const made = onceEach();
  return {
    take(pools, leaseMs) {
      return db.transaction().execute(async (trx): Promise<SlotAnswer> => {
        const picked: number[] = [];
        for (const pool of pools) {
          await made.make(pool, () =>
            sql`insert into limit_slots (pool, slot, free_at)
              select ${pool.pool}, g, 0 from generate_series(0, ${pool.size - 1}::int) g on conflict do nothing`.execute(trx),
          );
          const { rows } = await sql<{ slot: number }>`
            select slot from limit_slots where pool = ${pool.pool} and slot < ${pool.size} and free_at <= ${NOW_MS}
            order by free_at limit 1 for update skip locked`.execute(trx);
          if (!rows[0]) {
            const wait = await sql<{ wait: string | null }>`
              select greatest(min(free_at) - ${NOW_MS}, 0) as wait from limit_slots where pool = ${pool.pool} and slot < ${pool.size}`.execute(trx);
            const first = wait.rows[0]?.wait ?? null;
            if (first === null) made.forget(pool);
            return { kind: "full", pool: pool.pool, retryInMs: Number(first ?? 0) };
          }
          picked.push(Number(rows[0].slot));
        }
        const holder = newHolder();
        const slots = pools.map((pool, i) => ({ pool: pool.pool, slot: picked[i]!, holder, windowMs: pool.windowMs }));
        for (const slot of slots) {
          await sql`update limit_slots set free_at = ${NOW_MS} + ${leaseMs + slot.windowMs}, holder = ${holder}
            where pool = ${slot.pool} and slot = ${slot.slot}`.execute(trx);
        }
        return { kind: "granted", slots };
      });
    },
    async give(slots, used) {
      for (const slot of slots) {
        await sql`update limit_slots set free_at = ${NOW_MS} + ${used ? slot.windowMs : 0}, holder = null
          where pool = ${slot.pool} and slot = ${slot.slot} and holder = ${slot.holder}`.execute(db);
      }
    },
  };
}
