import type { AlertBatch } from "./alert-batch.js";
import { type AlertKind, alertEventId } from "./alert.js";

/** `sent` and `failed` are emails (after their tries); `held` is a digest collecting alerts until its window ends. */
export type AlertJournalStatus = "sent" | "failed" | "held";

/** One line of the alerts journal: an email, or a digest being held. Never a body: subject and recipients only. */
export interface AlertJournalEntry {
  /** The batch's id: a held digest's row becomes its email's row once sent (or failed). */
  readonly id: string;
  readonly kind: AlertKind;
  readonly status: AlertJournalStatus;
  readonly subject: string;
  readonly recipients: readonly string[];
  /** Epoch ms: when the email went (or failed), or when the held digest last grew. */
  readonly at: number;
  /** When the email concerns exactly one event. */
  readonly eventId: string | null;
  readonly routeId: string | null;
  readonly sourceId: string | null;
  /** Alerts folded into a digest (held, or sent as one); absent for a first, single alert. */
  readonly heldCount?: number | undefined;
  /** Why the email failed, scrubbed of credentials. */
  readonly error?: string | undefined;
}

/**
 * Where the alerter records what it sent, failed to send and holds (the delivery log's store).
 * `record` is called on the alerter's paths: it queues and returns, never throws.
 */
export interface AlertJournal {
  record(entry: AlertJournalEntry): void;
}

/** A journal entry for `batch`, its subject and recipients as the email has (or will have) them. */
export function journalEntry(
  batch: AlertBatch,
  email: { readonly subject: string; readonly recipients: readonly string[] },
  status: AlertJournalStatus,
  at: Date,
  error?: string,
): AlertJournalEntry {
  const alert = batch.last;
  return {
    id: batch.id,
    kind: alert.kind,
    status,
    subject: email.subject,
    recipients: email.recipients,
    at: at.getTime(),
    eventId: batch.events === 1 ? (alertEventId(alert) ?? null) : null,
    routeId: alert.kind === "dead_lettered" || alert.kind === "credentials" ? alert.routeId : null,
    sourceId: alert.kind === "verification_failures" ? alert.sourceId : null,
    ...(batch.digest ? { heldCount: batch.alerts } : {}),
    ...(error === undefined ? {} : { error }),
  };
}
