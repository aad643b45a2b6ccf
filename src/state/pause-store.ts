import type { StateDb } from "./state-db.js";

/** What can be paused: a route alone, or a destination (and so every route that delivers to it). */
export type PauseKind = "route" | "destination";

/** Long enough for a sentence and a ticket number; the reason is shown, not parsed. */
export const MAX_PAUSE_REASON = 500;

export interface Pause {
  readonly kind: PauseKind;
  readonly id: string;
  /** What the operator said, if anything. */
  readonly reason: string | null;
  /** Epoch ms. */
  readonly pausedAt: number;
}

/**
 * Pauses in the state store, so every process on it (one SQLite file, or PostgreSQL across
 * machines) sees them and they survive restarts. A route paused on its own and its destination
 * paused are two rows: resuming one leaves the other.
 */
export interface PauseStore {
  /** Pauses `id` (again: the reason and time are replaced). Returns the pause as stored. */
  pause(kind: PauseKind, id: string, reason: string | null, at?: number): Promise<Pause>;
  /** Resumes `id`; false when it was not paused. */
  resume(kind: PauseKind, id: string): Promise<boolean>;
  /** Every pause: a handful of rows, read whole. */
  list(): Promise<Pause[]>;
}

export function createPauseStore(db: StateDb): PauseStore {
  return {
    async pause(kind, id, reason, at = Date.now()) {
      await db
        .insertInto("pauses")
        .values({ kind, target_id: id, reason, paused_at: at })
        .onConflict((conflict) => conflict.columns(["kind", "target_id"]).doUpdateSet({ reason, paused_at: at }))
        .execute();
      return { kind, id, reason, pausedAt: at };
    },
    async resume(kind, id) {
      const deleted = await db.deleteFrom("pauses").where("kind", "=", kind).where("target_id", "=", id).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    },
    async list() {
      const rows = await db.selectFrom("pauses").selectAll().execute();
      return rows.map((row) => ({ kind: row.kind as PauseKind, id: row.target_id, reason: row.reason, pausedAt: Number(row.paused_at) }));
    },
  };
}

/** Why a route is not consuming: its own pause first (the one a resume of the route lifts), else its destination's. */
export interface RoutePause {
  readonly pausedBy: PauseKind;
  readonly reason: string | null;
  readonly pausedAt: number;
}

/** The pause that holds `route` (delivering to `destination`), if any. */
export function routePause(pauses: readonly Pause[], route: string, destination: string): RoutePause | undefined {
  const own = pauses.find((pause) => pause.kind === "route" && pause.id === route);
  const held = own ?? pauses.find((pause) => pause.kind === "destination" && pause.id === destination);
  return held && { pausedBy: held.kind, reason: held.reason, pausedAt: held.pausedAt };
}
