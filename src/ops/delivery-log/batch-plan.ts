import type { AttemptRow, LogRow, ReceiptRow, StateRow } from "./log-rows.js";

/** A batch merged and split by table, in the order it is written. */
export interface BatchPlan {
  readonly receipts: readonly (ReceiptRow & { count: number })[];
  /** Event id → time of the stub `log_events` row (for events whose receipt is not in this batch). */
  readonly stubs: ReadonlyMap<string, number>;
  readonly attempts: readonly AttemptRow[];
  readonly latest: readonly StateRow[];
  readonly ifNew: readonly StateRow[];
}

export function planBatch(rows: readonly LogRow[]): BatchPlan {
  const receipts = mergeReceipts(rows);
  const attempts = rows.filter((row): row is AttemptRow => row.kind === "attempt");
  const { latest, ifNew } = mergeStates(rows);
  // A worker's own log (SQLite, split roles) never sees the receipt: a stub row keeps the
  // event searchable, and a receipt arriving later fills it in.
  const stubs = new Map<string, number>();
  for (const row of [...attempts, ...latest, ...ifNew]) {
    if (!receipts.has(row.eventId) && !stubs.has(row.eventId)) stubs.set(row.eventId, row.at);
  }
  return { receipts: [...receipts.values()], stubs, attempts, latest, ifNew };
}

/**
 * One receipt per event id: the first, counting the repeats (a sender's retry) — except that an
 * acceptance replaces a rejection (the sender resent it fixed, or the schema was relaxed).
 */
function mergeReceipts(rows: readonly LogRow[]): Map<string, ReceiptRow & { count: number }> {
  const merged = new Map<string, ReceiptRow & { count: number }>();
  for (const row of rows) {
    if (row.kind !== "receipt") continue;
    const earlier = merged.get(row.eventId);
    if (!earlier) merged.set(row.eventId, { ...row, count: 1 });
    else if (earlier.via === "rejected" && row.via !== "rejected") merged.set(row.eventId, { ...row, count: earlier.count + 1 });
    else earlier.count += 1;
  }
  return merged;
}

/** Per (event, route): the newest state to upsert, and the first of the if-new ones. */
function mergeStates(rows: readonly LogRow[]): { latest: StateRow[]; ifNew: StateRow[] } {
  const latest = new Map<string, StateRow>();
  const ifNew = new Map<string, StateRow>();
  for (const row of rows) {
    if (row.kind !== "state") continue;
    const key = `${row.eventId}\u0000${row.routeId}`;
    if (row.ifNew) {
      if (!ifNew.has(key)) ifNew.set(key, row);
    } else if (newer(row, latest.get(key))) {
      latest.set(key, row);
    }
  }
  return { latest: [...latest.values()], ifNew: [...ifNew.values()] };
}

/**
 * Whether `row` supersedes `current`: a later time wins, and on the same millisecond an outcome
 * beats `pending` — a pending (receipt, replay) only ever causes outcomes, never follows them.
 */
function newer(row: StateRow, current: StateRow | undefined): boolean {
  if (!current || row.at > current.at) return true;
  return row.at === current.at && row.state !== "pending";
}
