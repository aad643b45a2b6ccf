import { randomBytes } from "node:crypto";
import { type Alert, type DeadLetteredAlert, alertEventId, alertKey } from "./alert.js";

/** Event ids an email lists; the rest are counted, and `dlq list` shows them all. */
export const MAX_LISTED_IDS = 10;
// Reason codes come from our own code, so a handful; the cap only guards against a caller bug.
const MAX_REASONS = 20;
const MAX_RECIPIENTS = 50;

/**
 * The alerts of one (kind, route/source) folded into what one email says. Its size is fixed
 * whatever the number of alerts — counts, the first few ids, the last alert — so an outage of a
 * million failures costs the same memory as one.
 */
export interface AlertBatch {
  /** Names the batch in the alerts journal (its held row, then its email's). */
  readonly id: string;
  readonly key: string;
  /** The latest alert folded in: its error, status and destination are the ones shown. */
  last: Alert;
  /** notify() calls folded in. */
  alerts: number;
  /** Events concerned: one per alert, or the alert's own count for verification failures. */
  events: number;
  /** The first MAX_LISTED_IDS event ids, oldest first. */
  readonly eventIds: string[];
  /** Dead-letter or verification reasons, with their counts. */
  readonly reasons: Map<string, number>;
  readonly recipients: Set<string>;
  firstAt: Date;
  lastAt: Date;
  /** True when this email follows an earlier one of the same stream (a digest). */
  digest: boolean;
}

export function startBatch(alert: Alert, at: Date, digest: boolean): AlertBatch {
  const batch: AlertBatch = {
    id: newBatchId(at),
    key: alertKey(alert),
    last: alert,
    alerts: 0,
    events: 0,
    eventIds: [],
    reasons: new Map(),
    recipients: new Set(),
    firstAt: startOf(alert, at),
    lastAt: at,
    digest,
  };
  addToBatch(batch, alert, at);
  return batch;
}

export function addToBatch(batch: AlertBatch, alert: Alert, at: Date): void {
  batch.last = alert;
  batch.alerts += 1;
  batch.events += alert.kind === "verification_failures" ? alert.count : 1;
  const id = alertEventId(alert);
  if (id !== undefined && batch.eventIds.length < MAX_LISTED_IDS) batch.eventIds.push(id);
  if (alert.kind === "dead_lettered") countReason(batch, deadReasonKey(alert), 1);
  if (alert.kind === "poll_failed") countReason(batch, alert.reason, 1);
  if (alert.kind === "verification_failures") {
    for (const [reason, count] of Object.entries(alert.reasons)) countReason(batch, reason, count);
  }
  for (const recipient of alert.recipients ?? []) {
    if (batch.recipients.size < MAX_RECIPIENTS) batch.recipients.add(recipient);
  }
  const start = startOf(alert, at);
  if (start < batch.firstAt) batch.firstAt = start;
  if (at > batch.lastAt) batch.lastAt = at;
}

/**
 * Folds an older batch (one whose email could not be sent) into a newer one, so its alerts
 * ride along with the next digest: counts add up, the older ids come first.
 */
export function mergeInto(newer: AlertBatch, older: AlertBatch): void {
  newer.alerts += older.alerts;
  newer.events += older.events;
  newer.eventIds.unshift(...older.eventIds);
  newer.eventIds.splice(MAX_LISTED_IDS);
  for (const [reason, count] of older.reasons) countReason(newer, reason, count);
  for (const recipient of older.recipients) {
    if (newer.recipients.size < MAX_RECIPIENTS) newer.recipients.add(recipient);
  }
  if (older.firstAt < newer.firstAt) newer.firstAt = older.firstAt;
  newer.digest = true;
}

/** A batch that stands for `older` alone, marked as a digest, for re-queueing it. */
export function requeued(older: AlertBatch): AlertBatch {
  return {
    ...older,
    id: newBatchId(new Date()),
    eventIds: [...older.eventIds],
    reasons: new Map(older.reasons),
    recipients: new Set(older.recipients),
    digest: true,
  };
}

/** A batch's id in the alerts journal: creation time (base36 ms, fixed width), then at random. */
export function newBatchId(at: Date): string {
  return `al_${at.getTime().toString(36).padStart(9, "0")}_${randomBytes(4).toString("hex")}`;
}

/** An enrichment's failure is counted apart from the destination's: the advice differs. */
export const ENRICHMENT_REASON_SUFFIX = " (enrichment)";

function deadReasonKey(alert: DeadLetteredAlert): string {
  return alert.enrichment ? `${alert.reason}${ENRICHMENT_REASON_SUFFIX}` : alert.reason;
}

function countReason(batch: AlertBatch, reason: string, count: number): void {
  const name = batch.reasons.has(reason) || batch.reasons.size < MAX_REASONS ? reason : "other";
  batch.reasons.set(name, (batch.reasons.get(name) ?? 0) + count);
}

// Spooling and verification bursts know when they began; the others begin when we hear of them.
function startOf(alert: Alert, at: Date): Date {
  if (alert.kind === "spooling" || alert.kind === "broker_refused" || alert.kind === "spool_recovered") return alert.since;
  if (alert.kind === "verification_failures") return alert.firstAt;
  if (alert.kind === "poll_failed") return alert.failingSince;
  return at;
}
