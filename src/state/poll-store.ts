import { sql } from "kysely";
import { sqliteHandle, type StateDb, type StateTables } from "./state-db.js";
import { POSTGRES_NOW_MS } from "./store-clock.js";

/** The right to poll one source, until it expires or another process takes it over. */
export interface PollLease {
  readonly sourceId: string;
  readonly owner: string;
  /** Goes up on every take-over; every write names it, so a superseded holder writes nothing. */
  readonly fence: number;
}

/** A source's stored poll state, numbers as numbers on both engines. */
export interface PollState {
  readonly sourceId: string;
  readonly owner: string | undefined;
  readonly fence: number;
  readonly leaseExpiresAt: number;
  readonly cursorMs: number | undefined;
  readonly highWaterMs: number | undefined;
  readonly run: { readonly sinceMs: number; readonly position: string } | undefined;
  readonly lastRunAt: number | undefined;
  readonly lastSuccessAt: number | undefined;
  readonly lastError: string | undefined;
  readonly lastErrorAt: number | undefined;
  readonly failingSince: number | undefined;
  readonly lastItems: number | undefined;
  readonly lastPages: number | undefined;
  /** A `poll run` waiting for the lease, and since when it asks. */
  readonly requested: { readonly by: string; readonly at: number } | undefined;
}

/** The lease was taken over (or released) meanwhile: stop, and write nothing more. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

export interface PageCommit {
  readonly highWaterMs: number | undefined;
  /** The run's window start and where its next page is, so a restart resumes there; undefined leaves it as it is (a backfill). */
  readonly run?: { readonly sinceMs: number; readonly position: string } | undefined;
  /** The items published from this page: an overlapping window skips them. */
  readonly seen: ReadonlyArray<{ readonly eventId: string; readonly modifiedMs: number }>;
}

export interface RunResult {
  /** The next window's start: never moved backwards unless `force`. */
  readonly cursorMs: number | undefined;
  readonly highWaterMs: number | undefined;
  readonly items: number;
  readonly pages: number;
  readonly at: number;
  /** `poll run --since … --reset-cursor`: set the cursor even if it goes back. */
  readonly force?: boolean;
  readonly keepRun?: boolean;
}

export interface PollStore {
  /** Takes (or renews) the lease for `ttlMs` unless another owner holds a live one; undefined when it does. */
  takeLease(sourceId: string, owner: string, ttlMs: number): Promise<PollLease | undefined>;
  /**
   * Asks for the lease (`poll run` by hand): the holder gives it up between runs, and no other
   * process takes it before `owner` for `ttlMs`.
   */
  request(sourceId: string, owner: string, ttlMs: number): Promise<void>;
  /** Extends a held lease; false when it was lost. */
  renew(lease: PollLease, ttlMs: number): Promise<boolean>;
  release(lease: PollLease): Promise<void>;
  read(sourceId: string): Promise<PollState | undefined>;
  readAll(): Promise<PollState[]>;
  /** Which of `eventIds` this source has published near the cursor already. */
  seen(sourceId: string, eventIds: readonly string[]): Promise<Set<string>>;
  /** After every item of a page is confirmed: the run's position and the seen items, atomically. @throws LeaseLostError */
  commitPage(lease: PollLease, page: PageCommit): Promise<void>;
  /**
   * The run is complete: the cursor moves (never back, unless `force`), the run's position is
   * cleared (unless `keepRun`: a backfill leaves a scheduled run's position alone), older seen
   * items are pruned. @throws LeaseLostError
   */
  finishRun(lease: PollLease, result: RunResult): Promise<void>;
  /** The run failed: recorded for /status (the cursor and run position stay). */
  failRun(lease: PollLease, error: string, at: number): Promise<void>;
}

type Row = StateTables["poll_state"];

export function createPollStore(db: StateDb): PollStore {
  // Leases expire by one clock: PostgreSQL's, or this machine's for the processes on a SQLite file.
  const now = () => (sqliteHandle(db) ? sql<number>`${Date.now()}` : POSTGRES_NOW_MS);
  const fenced = (lease: PollLease) =>
    db.updateTable("poll_state").where("source_id", "=", lease.sourceId).where("owner", "=", lease.owner).where("fence", "=", lease.fence);
  const mustHold = (updated: { numUpdatedRows: bigint }, lease: PollLease) => {
    if (Number(updated.numUpdatedRows) === 0) throw new LeaseLostError(`the poll lease on ${lease.sourceId} was taken over (fence ${lease.fence})`);
  };
  return {
    async takeLease(sourceId, owner, ttlMs) {
      // Atomic on both engines: a concurrent taker waits for this row, then finds it live.
      // A process that asked for the lease (`poll run`) is let through first, for as long as it keeps asking.
      const { rows } = await sql<{ fence: number | string }>`
        insert into poll_state (source_id, owner, fence, lease_expires_at) values (${sourceId}, ${owner}, 1, ${now()} + ${ttlMs})
        on conflict (source_id) do update set owner = excluded.owner,
          fence = case when poll_state.owner = excluded.owner then poll_state.fence else poll_state.fence + 1 end,
          lease_expires_at = excluded.lease_expires_at,
          requested_by = case when poll_state.requested_by = excluded.owner then null else poll_state.requested_by end
          where (poll_state.lease_expires_at <= ${now()} or poll_state.owner = excluded.owner or poll_state.owner is null)
            and (poll_state.requested_by is null or poll_state.requested_by = excluded.owner
              or poll_state.owner = excluded.owner or poll_state.requested_at <= ${now()} - ${ttlMs})
        returning fence`.execute(db);
      const row = rows[0];
      return row ? { sourceId, owner, fence: Number(row.fence) } : undefined;
    },
    async request(sourceId, owner, ttlMs) {
      await sql`
        insert into poll_state (source_id, owner, fence, lease_expires_at, requested_by, requested_at) values (${sourceId}, null, 0, 0, ${owner}, ${now()})
        on conflict (source_id) do update set requested_by = excluded.requested_by, requested_at = excluded.requested_at
          where poll_state.requested_by is null or poll_state.requested_by = excluded.requested_by or poll_state.requested_at <= ${now()} - ${ttlMs}`.execute(
        db,
      );
    },
    async renew(lease, ttlMs) {
      const updated = await fenced(lease)
        .set({ lease_expires_at: sql<number>`${now()} + ${ttlMs}` })
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
    async release(lease) {
      await fenced(lease).set({ owner: null, lease_expires_at: 0 }).execute();
    },
    async read(sourceId) {
      const row = await db.selectFrom("poll_state").selectAll().where("source_id", "=", sourceId).executeTakeFirst();
      return row ? toState(row) : undefined;
    },
    async readAll() {
      return (await db.selectFrom("poll_state").selectAll().execute()).map(toState);
    },
    async seen(sourceId, eventIds) {
      if (eventIds.length === 0) return new Set();
      const rows = await db
        .selectFrom("poll_seen")
        .select("event_id")
        .where("source_id", "=", sourceId)
        .where("event_id", "in", [...eventIds])
        .execute();
      return new Set(rows.map((row) => row.event_id));
    },
    async commitPage(lease, page) {
      await db.transaction().execute(async (trx) => {
        // The fenced write first: on SQLite it takes the write lock before anything is read.
        const updated = await trx
          .updateTable("poll_state")
          .where("source_id", "=", lease.sourceId)
          .where("owner", "=", lease.owner)
          .where("fence", "=", lease.fence)
          .set({
            high_water_ms: page.highWaterMs ?? null,
            ...(page.run ? { run_since_ms: page.run.sinceMs, run_position: page.run.position } : {}),
          })
          .executeTakeFirst();
        mustHold(updated, lease);
        if (page.seen.length === 0) return;
        await trx
          .insertInto("poll_seen")
          .values(page.seen.map((item) => ({ source_id: lease.sourceId, event_id: item.eventId, modified_ms: item.modifiedMs })))
          .onConflict((conflict) => conflict.columns(["source_id", "event_id"]).doNothing())
          .execute();
      });
    },
    async finishRun(lease, result) {
      await db.transaction().execute(async (trx) => {
        const cursor =
          result.cursorMs === undefined
            ? sql<number | null>`cursor_ms`
            : result.force
              ? sql<number>`${result.cursorMs}`
              : sql<number>`case when cursor_ms is null or cursor_ms < ${result.cursorMs} then ${result.cursorMs} else cursor_ms end`;
        const highWater =
          result.highWaterMs === undefined
            ? sql<number | null>`high_water_ms`
            : sql<number>`case when high_water_ms is null or high_water_ms < ${result.highWaterMs} then ${result.highWaterMs} else high_water_ms end`;
        const updated = await trx
          .updateTable("poll_state")
          .where("source_id", "=", lease.sourceId)
          .where("owner", "=", lease.owner)
          .where("fence", "=", lease.fence)
          .set({
            cursor_ms: cursor,
            high_water_ms: highWater,
            ...(result.keepRun ? {} : { run_since_ms: null, run_position: null }),
            last_run_at: result.at,
            last_success_at: result.at,
            failing_since: null,
            last_items: result.items,
            last_pages: result.pages,
          })
          .executeTakeFirst();
        mustHold(updated, lease);
        // What the next window can return again is at or after its cursor; older entries are done with.
        await trx
          .deleteFrom("poll_seen")
          .where("source_id", "=", lease.sourceId)
          .where("modified_ms", "<", (eb) =>
            eb.selectFrom("poll_state").select(sql<number>`coalesce(cursor_ms, 0)`.as("c")).where("source_id", "=", lease.sourceId),
          )
          .execute();
      });
    },
    async failRun(lease, error, at) {
      const updated = await fenced(lease)
        .set({ last_run_at: at, last_error: error.slice(0, 2000), last_error_at: at, failing_since: sql<number>`coalesce(failing_since, ${at})` })
        .executeTakeFirst();
      mustHold(updated, lease);
    },
  };
}

function toState(row: Row): PollState {
  const n = (value: number | null) => (value === null ? undefined : Number(value));
  return {
    sourceId: row.source_id,
    owner: row.owner ?? undefined,
    fence: Number(row.fence),
    leaseExpiresAt: Number(row.lease_expires_at),
    cursorMs: n(row.cursor_ms),
    highWaterMs: n(row.high_water_ms),
    run: row.run_since_ms === null || row.run_position === null ? undefined : { sinceMs: Number(row.run_since_ms), position: row.run_position },
    lastRunAt: n(row.last_run_at),
    lastSuccessAt: n(row.last_success_at),
    lastError: row.last_error ?? undefined,
    lastErrorAt: n(row.last_error_at),
    failingSince: n(row.failing_since),
    lastItems: n(row.last_items),
    lastPages: n(row.last_pages),
    requested: row.requested_by === null || row.requested_at === null ? undefined : { by: row.requested_by, at: Number(row.requested_at) },
  };
}
