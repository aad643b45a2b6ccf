import type { Logger } from "pino";
import type { RoutingTable } from "../../config/load-routes.js";
import type { NormalizedEvent } from "../../contracts/normalized-event.js";
import type { AcceptedVia } from "../../contracts/event-sink.js";
import type { StateDb } from "../../state/state-db.js";
import type { Outcome } from "../../contracts/outcome.js";
import type { ApiCallStatus } from "../../contracts/sync-call.js";
import { topicMatches } from "../../broker/topic-match.js";
import { eventJourney } from "./event-journey.js";
import { countLog, type LogCounts } from "./log-counts.js";
import type { EventFilter } from "./log-filter.js";
import { outcomeRows, receiptRows, replayRows } from "./log-rows.js";
import type { EventJourney, EventSummary } from "./log-views.js";
import { createLogWriter, type LogWriterOptions, type LogWriterStats } from "./log-writer.js";
import { scheduleLogPrune } from "./prune-log.js";
import { searchEvents } from "./search-events.js";
import { writeBatch } from "./write-batch.js";

export interface DeliveryLogOptions {
  readonly db: StateDb;
  /** Which routes an accepted event goes to (they start `pending`). */
  readonly table: RoutingTable;
  readonly logger: Logger;
  /** For /status: which store the log is in. */
  readonly engine: "sqlite" | "postgresql";
  /** How long rows are kept; pruned hourly. `0` never prunes. @defaultValue 14 days */
  readonly retentionMs?: number;
  /** Store each CloudEvent body (may hold personal data). @defaultValue false */
  readonly payloads?: boolean;
  /** Batching and bounds of the write queue; see LogWriterOptions. */
  readonly writer?: Pick<LogWriterOptions, "flushMs" | "batchRows" | "maxQueued">;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

/** Writing side: called on the hot path, so each only queues rows and returns. */
export interface DeliveryLogRecorder {
  accepted(sourceId: string, event: NormalizedEvent, via: AcceptedVia): void;
  /** The ingress refused the event for its request schema (`422`): a receipt `via: "rejected"`, with no routes. */
  rejected(sourceId: string, event: NormalizedEvent): void;
  /**
   * A call to an API endpoint, once its caller has its answer: a receipt with how it ended (`call`),
   * pending on the endpoint's route unless it was rejected. It went to the broker (calls are never spooled).
   */
  called(endpointId: string, event: NormalizedEvent, call: ApiCallStatus, routeId: string): void;
  outcome(outcome: Outcome, context: { routeId: string; eventId: string | undefined; attempt: number }): void;
  /** An operator sent the event back to the route's queue (at `at`, default now): it is pending again. */
  replayed(routeId: string, eventId: string, at?: number): void;
}

/** Reading side: the admin API and the CLI. */
export interface DeliveryLogReader {
  search(filter: EventFilter): Promise<EventSummary[]>;
  journey(eventId: string): Promise<EventJourney | undefined>;
  counts(since: number): Promise<LogCounts>;
}

export interface DeliveryLog extends DeliveryLogRecorder, DeliveryLogReader {
  readonly info: { readonly engine: string; readonly retentionMs: number; readonly payloads: boolean; readonly writer: LogWriterStats };
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Writes what is queued (at most `ms`) and stops pruning; the caller closes the database. */
  close(ms: number): Promise<void>;
}

const DEFAULT_RETENTION_MS = 14 * 86_400_000;

/**
 * Every event's journey in the state store: its receipt (source, type, where it went), each
 * attempt per route, and each route's current state. With SQLite every process keeps its own
 * log (split roles: the ingress has receipts, the worker attempts); with DATABASE_URL they share one.
 */
export function createDeliveryLog(options: DeliveryLogOptions): DeliveryLog {
  const { db, table, logger } = options;
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const payloads = options.payloads ?? false;
  const writer = createLogWriter({ ...options.writer, write: (rows) => writeBatch(db, rows), logger });
  const stopPruning = retentionMs > 0 ? scheduleLogPrune(db, retentionMs, logger) : () => {};
  const routes = [...table.routes.values()];
  const routesOf = (routingKey: string) =>
    routes.filter((route) => route.events.some((pattern) => topicMatches(pattern, routingKey))).map((route) => route.id);
  // Called from the request and the worker: whatever goes wrong here must not reach them.
  const safely = (what: string, record: () => void) => {
    try {
      record();
    } catch (error) {
      logger.error({ err: (error as Error).message }, `delivery log: could not record ${what}`);
    }
  };

  return {
    accepted: (sourceId, event, via) =>
      safely("a receipt", () => writer.push(receiptRows({ sourceId, event, via, routeIds: routesOf(event.routingKey), payload: payloads }, now()))),
    rejected: (sourceId, event) =>
      safely("a rejection", () => writer.push(receiptRows({ sourceId, event, via: "rejected", routeIds: [], payload: payloads }, now()))),
    called: (endpointId, event, call, routeId) =>
      safely("an API call", () => {
        const rejected = call === "rejected";
        const via = rejected ? "rejected" : "broker";
        writer.push(receiptRows({ sourceId: endpointId, event, via, routeIds: rejected ? [] : [routeId], payload: payloads, call }, now()));
      }),
    outcome: (outcome, context) =>
      safely("an outcome", () => {
        // A poison message without a message-id has nothing to be found by.
        if (context.eventId !== undefined) writer.push(outcomeRows(outcome, { ...context, eventId: context.eventId }, now()));
      }),
    replayed: (routeId, eventId, at) => writer.push(replayRows(routeId, eventId, at ?? now())),
    ...createDeliveryLogReader(db),
    get info() {
      return { engine: options.engine, retentionMs, payloads, writer: writer.stats };
    },
    flush: () => writer.flush(),
    async close(ms) {
      stopPruning();
      await writer.close(ms);
    },
  };
}

/** Only the reading side, straight over a store (the CLI: nothing is written). */
export function createDeliveryLogReader(db: StateDb): DeliveryLogReader {
  return {
    search: (filter) => searchEvents(db, filter),
    journey: (eventId) => eventJourney(db, eventId),
    counts: (since) => countLog(db, since),
  };
}
