import type { AlertBatch } from "./alert-batch.js";
import { type Alert, UNKNOWN_EVENT_ID } from "./alert.js";
import type { AlertCommands } from "./commands.js";
import { renderEmail } from "./render-email.js";
import { type RenderContext, SUBJECT_PREFIX, time } from "./render-shared.js";

// One log line, not an email: the target's full error stays in the dead-letter headers (`dlq list`).
const MAX_ERROR_CHARS = 300;

export interface AlertLogLine {
  /** Structured fields: the kind, what it is about, the event id(s), the reason, the next command. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The email's subject, without its prefix: short, one line. */
  readonly msg: string;
}

/**
 * An alert as one compact warn line, for when there is no SMTP server to email it to: the same
 * facts an email leads with, as fields a log query can select on, and the command to run next.
 */
export function renderLogLine(batch: AlertBatch, context: RenderContext): AlertLogLine {
  const subject = renderEmail(batch, context).subject;
  const msg = `alert: ${subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length).trim() : subject}`;
  const common = { alert: batch.last.kind, ...(batch.digest ? { digest: true, since: time(batch.firstAt) } : {}) };
  return { fields: { ...common, ...facts(batch, batch.last, context.commands) }, msg };
}

function facts(batch: AlertBatch, alert: Alert, commands: AlertCommands): Record<string, unknown> {
  switch (alert.kind) {
    case "dead_lettered":
    case "credentials":
      return {
        route: alert.routeId,
        destination: alert.destination,
        ...eventIds(batch),
        reason: alert.kind === "credentials" ? "credentials" : reason(batch),
        status: alert.status,
        attempts: alert.kind === "dead_lettered" ? alert.attempts : undefined,
        step: alert.enrichment?.step,
        error: clip(alert.error),
        replay: replay(batch, alert.routeId, commands),
        ...(batch.events > 1 ? { inspect: commands.dlqList(alert.routeId) } : {}),
      };
    case "spooling":
      return { source: "ingress", reason: "broker unreachable", spooled: alert.depth, since: time(alert.since), check: commands.readyz() };
    case "broker_refused":
      return {
        source: "ingress",
        reason: alert.detail,
        code: alert.code,
        broker: alert.broker,
        spooled: alert.depth,
        since: time(alert.since),
        check: commands.readyz(),
      };
    case "spool_recovered":
      return { source: "ingress", since: time(alert.since), until: time(alert.until), peakSpooled: alert.peakDepth };
    case "verification_failures":
      return { source: alert.sourceId, events: batch.events, reason: Object.fromEntries(batch.reasons), since: time(batch.firstAt) };
    case "poll_failed":
      return { source: alert.sourceId, reason: alert.reason, status: alert.status, error: clip(alert.error), since: time(alert.failingSince) };
    case "token_expiring":
      return {
        destination: alert.destination,
        kind: alert.destinationKind,
        expires: alert.what,
        expiresAt: time(alert.expiresAt),
        from: alert.source,
      };
  }
}

/** `id` when the batch is one event, otherwise the count and the first ids. */
function eventIds(batch: AlertBatch): Record<string, unknown> {
  if (batch.events === 1 && batch.eventIds.length === 1) return { id: batch.eventIds[0] };
  return { events: batch.events, ids: batch.eventIds };
}

/** The one reason as a word, or each reason with its count when a digest has several. */
function reason(batch: AlertBatch): string | Record<string, number> {
  const reasons = [...batch.reasons.keys()];
  return reasons.length === 1 ? (reasons[0] as string) : Object.fromEntries(batch.reasons);
}

function replay(batch: AlertBatch, routeId: string, commands: AlertCommands): string {
  const id = batch.eventIds[0];
  const one = batch.events === 1 && id !== undefined && id !== UNKNOWN_EVENT_ID;
  return one ? commands.dlqReplay(routeId, id) : commands.dlqReplay(routeId);
}

function clip(error: string): string {
  const line = error.replace(/\s*\n\s*/g, " ");
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}…` : line;
}
