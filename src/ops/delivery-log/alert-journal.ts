import type { Logger } from "pino";
import type { StateDb } from "../../state/state-db.js";
import type { AlertJournal, AlertJournalEntry } from "../alerts/index.js";

/** One alert as `GET /alerts` and `webhook-router alerts` show it. */
export interface AlertView {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly recipients: string[];
  readonly at: string;
  readonly status: string;
  readonly eventId: string | null;
  readonly routeId: string | null;
  readonly sourceId: string | null;
  readonly heldCount?: number;
  readonly error?: string;
}

export interface AlertQuery {
  /** Newest first, at most this many. */
  readonly limit: number;
  /** The `next` of the previous page: only older entries. */
  readonly before?: string | undefined;
  readonly kind?: string | undefined;
}

export interface AlertPage {
  readonly alerts: AlertView[];
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  readonly next: string | null;
}

/** Writes that may wait at once; alerts are throttled upstream, so only a store outage fills it. */
const MAX_WAITING = 1000;

/**
 * The alerts journal's writing side: each entry is written (or a held digest's row rewritten) in
 * order, one statement at a time, off the alerter's path. A write that fails is logged, never thrown.
 */
export function createAlertJournalWriter(db: StateDb, logger: Logger): AlertJournal & { close(): Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  let waiting = 0;
  let closed = false;
  return {
    record(entry) {
      if (closed) return;
      if (waiting >= MAX_WAITING) {
        logger.warn({ alert: entry.kind, status: entry.status }, "alerts journal: too many writes waiting; entry dropped");
        return;
      }
      waiting += 1;
      chain = chain
        .then(() => upsert(db, entry))
        .catch((error: Error) => logger.warn({ err: error.message, alert: entry.kind }, "alerts journal: could not record an alert"))
        .finally(() => (waiting -= 1));
    },
    async close() {
      closed = true;
      await chain;
    },
  };
}

async function upsert(db: StateDb, entry: AlertJournalEntry): Promise<void> {
  const row = {
    at: entry.at,
    kind: entry.kind,
    status: entry.status,
    subject: entry.subject,
    recipients: JSON.stringify(entry.recipients),
    event_id: entry.eventId,
    route_id: entry.routeId,
    source_id: entry.sourceId,
    held_count: entry.heldCount ?? null,
    error: entry.error ?? null,
  };
  await db
    .insertInto("log_alerts")
    .values({ id: entry.id, ...row })
    .onConflict((conflict) => conflict.column("id").doUpdateSet(row))
    .execute();
}

/** A page of the journal, newest first; the cursor is `<at>.<id>` of the page's last entry. */
export async function listAlerts(db: StateDb, query: AlertQuery): Promise<AlertPage> {
  let select = db.selectFrom("log_alerts").selectAll();
  if (query.kind !== undefined) select = select.where("kind", "=", query.kind);
  const cursor = query.before === undefined ? undefined : parseCursor(query.before);
  if (cursor) {
    select = select.where((eb) => eb.or([eb("at", "<", cursor.at), eb.and([eb("at", "=", cursor.at), eb("id", "<", cursor.id)])]));
  }
  const rows = await select
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    alerts: page.map((row) => ({
      id: row.id,
      kind: row.kind,
      subject: row.subject,
      recipients: JSON.parse(row.recipients) as string[],
      at: new Date(Number(row.at)).toISOString(),
      status: row.status,
      eventId: row.event_id,
      routeId: row.route_id,
      sourceId: row.source_id,
      ...(row.held_count === null ? {} : { heldCount: Number(row.held_count) }),
      ...(row.error === null ? {} : { error: row.error }),
    })),
    next: rows.length > query.limit && last ? `${Number(last.at)}.${last.id}` : null,
  };
}

/** `<epoch ms>.<id>`, as `next` gives it; undefined when it is not one. */
export function parseCursor(text: string): { at: number; id: string } | undefined {
  const match = /^(\d{1,16})\.(al_[0-9a-z_]{1,60})$/.exec(text);
  return match ? { at: Number(match[1]), id: match[2]! } : undefined;
}
