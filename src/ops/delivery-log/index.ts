/**
 * The delivery log: every event's journey (receipt, attempts per route, route states) in the
 * state store, written in bounded batches off the hot path, read by the admin API and the CLI.
 */
export {
  createDeliveryLog,
  createDeliveryLogReader,
  type DeliveryLog,
  type DeliveryLogOptions,
  type DeliveryLogReader,
  type DeliveryLogRecorder,
} from "./delivery-log.js";
export { describeIssues, eventFilterSchema, pointInTime, type EventFilter } from "./log-filter.js";
export { emptyCounts, emptySourceCounts, type LogCounts, type SourceCounts, type StateCounts } from "./log-counts.js";
export { ROUTE_STATES, type ReceiptVia, type RouteState } from "./log-rows.js";
export type { AttemptRecord, EventJourney, EventSummary, RouteStatus } from "./log-views.js";
export { pruneLog } from "./prune-log.js";
export { deliveryLogFromEnv } from "./open-delivery-log.js";
export { type AlertPage, type AlertQuery, type AlertView, parseCursor } from "./alert-journal.js";
