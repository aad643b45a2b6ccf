import type { Database } from "better-sqlite3";
import { sql } from "kysely";
import { createDeliveryStore } from "./delivery-store.js";
import { groupCommit } from "./group-commit.js";
import { sqliteHandle, type StateDb } from "./state-db.js";
import { POSTGRES_NOW_MS } from "./store-clock.js";

/** A worker's right to deliver one (route, event id) until `expiresAt`. */
export interface Claim {
  readonly routeId: string;
  readonly eventId: string;
  readonly owner: string;
  /** 1 for a fresh claim; each take-over of an expired claim adds one. */
  readonly fence: number;
  /** Epoch ms, by the store's clock (PostgreSQL's own with DATABASE_URL). */
  readonly expiresAt: number;
}

export type ClaimAnswer =
  | { readonly kind: "claimed"; readonly claim: Claim }
  /** The pair was delivered meanwhile: the copy in hand is a duplicate. */
  | { readonly kind: "delivered" }
  /** Someone else holds a live claim: the copy must not call the target now. */
  | { readonly kind: "busy"; readonly owner: string | undefined; readonly expiresAt: number | undefined };

/**
 * At most one delivery of a (route, event id) in progress anywhere: across the concurrent
 * messages of a process, the processes on one SQLite file, and the machines sharing PostgreSQL.
 */
export interface ClaimStore {
  /**
   * Takes the pair for `leaseMs`, atomically: wins when nobody holds it or the holder's claim has
   * expired (a take-over: the fence goes up). Never wins a pair already recorded as delivered.
   */
  claim(routeId: string, eventId: string, owner: string, leaseMs: number): Promise<ClaimAnswer>;
  /**
   * Gives the pair up, if `claim` still holds it (a claim taken over since is left alone). With
   * `after` — the promise of the same state store's `markDelivered` for the pair, just called —
   * never before that record is committed: a copy let in earlier would find neither claim nor
   * record. On SQLite the release joins the record's own commit (queued right behind it); a
   * commit that fails is followed by a plain release. On PostgreSQL it waits for `after`.
   */
  release(claim: Claim, after?: Promise<unknown>): Promise<void>;
  /** Deletes claims expired more than `graceMs` ago (left by crashed workers); returns how many. */
  prune(graceMs: number): Promise<number>;
}

export function createClaimStore(db: StateDb): ClaimStore {
  const sqlite = sqliteHandle(db);
  return sqlite ? sqliteClaims(sqlite) : postgresClaims(db);
}

/**
 * SQLite: one prepared statement, run inside the group commit of the dedup marks (one commit per
 * event-loop turn for both), whose IMMEDIATE transaction serializes it against every other
 * process on the file. The same statement refuses a pair already delivered, so a copy that passed
 * the dedup check just before the owner's record was committed cannot win after its release.
 * Expiry is by this machine's clock: every process on one SQLite file shares it.
 */
function sqliteClaims(database: Database): ClaimStore {
  const take = database
    .prepare<[string, string, string, number, string, string, number]>(
      `insert into claims (route_id, event_id, owner, fence, expires_at)
       select ?, ?, ?, 1, ? where not exists (select 1 from delivered where route_id = ? and event_id = ?)
       on conflict (route_id, event_id) do update
         set owner = excluded.owner, fence = claims.fence + 1, expires_at = excluded.expires_at
         where claims.expires_at <= ?
       returning fence`,
    )
    .pluck();
  const delivered = database.prepare<[string, string]>("select 1 from delivered where route_id = ? and event_id = ?").pluck();
  const holder = database.prepare<[string, string], { owner: string; expires_at: number }>(
    "select owner, expires_at from claims where route_id = ? and event_id = ?",
  );
  const release = database.prepare<[string, string, string, number]>(
    "delete from claims where route_id = ? and event_id = ? and owner = ? and fence = ?",
  );
  const pruneExpired = database.prepare<[number]>("delete from claims where expires_at < ?");
  const commits = groupCommit(database);
  return {
    claim(routeId, eventId, owner, leaseMs) {
      return commits.run((): ClaimAnswer => {
        const now = Date.now();
        const expiresAt = now + leaseMs;
        const fence = take.get(routeId, eventId, owner, expiresAt, routeId, eventId, now) as number | undefined;
        if (fence !== undefined) return { kind: "claimed", claim: { routeId, eventId, owner, fence, expiresAt } };
        if (delivered.get(routeId, eventId) !== undefined) return { kind: "delivered" };
        const row = holder.get(routeId, eventId);
        return { kind: "busy", owner: row?.owner, expiresAt: row?.expires_at };
      });
    },
    release(claim, after) {
      const work = () => {
        release.run(claim.routeId, claim.eventId, claim.owner, claim.fence);
      };
      // Queued behind the record, it commits with it (same transaction, after it) or not at all.
      const released = commits.run(work);
      return after === undefined ? released : released.catch(() => commits.run(work));
    },
    // A plain DELETE: the table holds only claims in progress and crash leftovers, never an hour of rows.
    prune: async (graceMs) => pruneExpired.run(Date.now() - graceMs).changes,
  };
}

/**
 * PostgreSQL: one INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING, atomic under
 * concurrent inserts of the same key (the loser waits for the winner's row, then finds it live).
 * A winner checks the dedup record once more in a new statement: an INSERT that waited for the
 * release of a just-delivered pair read its snapshot before that delivery was recorded.
 */
function postgresClaims(db: StateDb): ClaimStore {
  // The dedup records' own query: a claim never wins a pair they hold.
  const { isDelivered } = createDeliveryStore(db);
  const store: ClaimStore = {
    async claim(routeId, eventId, owner, leaseMs) {
      const { rows } = await sql<{ fence: number; expires_at: string }>`
        insert into claims (route_id, event_id, owner, fence, expires_at)
        values (${routeId}, ${eventId}, ${owner}, 1, ${POSTGRES_NOW_MS} + ${leaseMs})
        on conflict (route_id, event_id) do update
          set owner = excluded.owner, fence = claims.fence + 1, expires_at = excluded.expires_at
          where claims.expires_at <= ${POSTGRES_NOW_MS}
        returning fence, expires_at`.execute(db);
      const won = rows[0];
      if (won) {
        const claim: Claim = { routeId, eventId, owner, fence: Number(won.fence), expiresAt: Number(won.expires_at) };
        if (!(await isDelivered(routeId, eventId))) return { kind: "claimed", claim };
        await store.release(claim);
        return { kind: "delivered" };
      }
      const [delivered, row] = await Promise.all([
        isDelivered(routeId, eventId),
        db.selectFrom("claims").select(["owner", "expires_at"]).where("route_id", "=", routeId).where("event_id", "=", eventId).executeTakeFirst(),
      ]);
      if (delivered) return { kind: "delivered" };
      return { kind: "busy", owner: row?.owner, expiresAt: row === undefined ? undefined : Number(row.expires_at) };
    },
    async release(claim, after) {
      await after?.catch(() => {});
      await db
        .deleteFrom("claims")
        .where("route_id", "=", claim.routeId)
        .where("event_id", "=", claim.eventId)
        .where("owner", "=", claim.owner)
        .where("fence", "=", claim.fence)
        .execute();
    },
    async prune(graceMs) {
      const result = await sql`delete from claims where expires_at < ${POSTGRES_NOW_MS} - ${graceMs}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
  return store;
}
