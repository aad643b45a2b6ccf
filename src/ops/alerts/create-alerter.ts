import { hostname } from "node:os";
import type { Logger } from "pino";
import type { AlertBatch } from "./alert-batch.js";
import { createAlertThrottle } from "./alert-throttle.js";
import type { Alert } from "./alert.js";
import { type AlertCommands, createCommands } from "./commands.js";
import { type AlertJournal, journalEntry } from "./alert-journal.js";
import { createHeldDigests } from "./held-digests.js";
import { type MailTransport, type OutgoingEmail, createSmtpTransport } from "./mail-transport.js";
import { renderEmail } from "./render-email.js";
import { renderLogLine } from "./render-log-line.js";
import { sendWithRetry } from "./send-with-retry.js";

/** Failure emails for operators. Both methods are safe to call from the hot path. */
export interface Alerter {
  /** Queues an alert and returns at once: never throws, never waits on SMTP. */
  notify(alert: Alert): void;
  /** Sends every pending digest, waits at most `ms` for the emails in flight, then closes the transport. Never rejects. */
  close(ms: number): Promise<void>;
}

export interface AlerterOptions {
  /** `SMTP_URL`, e.g. `smtp://user:pass@host:587`. When unset, each alert (or digest) is one compact warn line instead of an email. */
  readonly smtpUrl?: string | undefined;
  /** `ALERT_EMAIL_TO`: who gets every alert. Required with `smtpUrl`. @defaultValue [] */
  readonly to?: readonly string[] | undefined;
  /** `ALERT_EMAIL_FROM`. @defaultValue webhook-router@<host name> */
  readonly from?: string | undefined;
  /** `ALERT_DIGEST_WINDOW`: at most one digest per stream per window. @defaultValue 900000 (15 min) */
  readonly windowMs?: number | undefined;
  readonly logger: Logger;
  /** How the inspect and replay commands are written. @defaultValue createCommands() */
  readonly commands?: AlertCommands | undefined;
  /** Replaces the transport built from `smtpUrl` (another channel, tests). */
  readonly transport?: MailTransport | undefined;
  /** @defaultValue () => new Date() */
  readonly now?: (() => Date) | undefined;
  /** Tries per email before it is kept for the next digest. @defaultValue 3 */
  readonly sendAttempts?: number | undefined;
  /** Wait before the second try, doubling after. @defaultValue 2000 */
  readonly retryDelayMs?: number | undefined;
  /** Distinct (kind, route/source) streams held at once; past it, new streams are only logged. @defaultValue 1000 */
  readonly maxStreams?: number | undefined;
  /** Records every email sent or failed, and every digest held (the alerts journal). Only with a transport: without one nothing is emailed. */
  readonly journal?: AlertJournal | undefined;
  /** How often held digests' journal rows are refreshed. @defaultValue 1000 */
  readonly heldTickMs?: number | undefined;
}

export const DEFAULT_DIGEST_WINDOW_MS = 15 * 60_000;

/**
 * Builds the alerter: a throttle per (kind, route/source) in front of a mail transport, with
 * sending in the background. An email that still fails after its tries is logged with its
 * subject and goes back into its stream's next digest, so a dead SMTP server delays alerts but
 * neither loses them nor slows event processing.
 */
export function createAlerter(options: AlerterOptions): Alerter {
  const windowMs = options.windowMs ?? DEFAULT_DIGEST_WINDOW_MS;
  const to = options.to ?? [];
  validate(options, windowMs, to);
  const logger = options.logger.child({ component: "alerts" });
  // Without a transport, alerts are written to the log: one compact line each, not an email body.
  const transport = options.transport ?? (options.smtpUrl ? createSmtpTransport(options.smtpUrl, logger) : undefined);
  if (!transport) logger.warn("SMTP_URL is not set: alerts will be written to the log only");
  const scrub = (text: string) => transport?.scrub(text) ?? text;
  const from = options.from ?? `webhook-router@${hostname()}`;
  const commands = options.commands ?? createCommands();
  const now = options.now ?? (() => new Date());
  const inFlight = new Set<Promise<void>>();
  const sending = new Map<string, number>();
  const shutdown = new AbortController();
  let closed = false;
  const journal = transport ? options.journal : undefined;
  const heldDigests =
    journal &&
    createHeldDigests({
      journal,
      describe: (batch) => {
        const email = compose(batch, transport!);
        return { subject: email.subject, recipients: email.to };
      },
      now,
      tickMs: options.heldTickMs ?? 1000,
    });
  const throttle = createAlertThrottle({
    windowMs,
    maxStreams: options.maxStreams ?? 1000,
    emit: dispatch,
    canEmit: (key) => !sending.has(key),
    onHeld: heldDigests && ((batch) => heldDigests.held(batch)),
  });

  function dispatch(batch: AlertBatch): void {
    heldDigests?.sending(batch);
    sending.set(batch.key, (sending.get(batch.key) ?? 0) + 1);
    const work = send(batch)
      .catch((error: unknown) => logger.error({ stream: batch.key, err: scrub(String(error)) }, "alert email could not be built"))
      .finally(() => {
        inFlight.delete(work);
        const left = (sending.get(batch.key) ?? 1) - 1;
        if (left > 0) sending.set(batch.key, left);
        else sending.delete(batch.key);
      });
    inFlight.add(work);
  }

  async function send(batch: AlertBatch): Promise<void> {
    if (!transport) {
      const { fields, msg } = renderLogLine(batch, { commands, windowMs });
      logger.warn(fields, msg);
      return;
    }
    const email = compose(batch, transport);
    const line = { alert: batch.last.kind, stream: batch.key, events: batch.events, subject: email.subject };
    if (email.to.length === 0) {
      logger.warn({ ...line, text: email.text }, "alert has no recipients; logged instead of emailed");
      return;
    }
    const error = await sendWithRetry(transport, email, {
      attempts: options.sendAttempts ?? 3,
      baseDelayMs: options.retryDelayMs ?? 2000,
      signal: shutdown.signal,
      onRetry: (attempt, err, delayMs) => logger.warn({ ...line, attempt, delayMs, err }, "alert email failed; retrying"),
    });
    journal?.record(journalEntry(batch, { subject: email.subject, recipients: email.to }, error === undefined ? "sent" : "failed", now(), error));
    if (error === undefined) {
      logger.info({ ...line, recipients: email.to.length, via: transport.description }, "alert email sent");
    } else if (closed) {
      // Nothing will run after shutdown: the log line is the alert's last record, so it carries the text.
      logger.error({ ...line, err: error, text: email.text }, "alert email not sent before shutdown");
    } else {
      logger.error({ ...line, err: error }, "alert email not sent; kept for the next digest");
      throttle.requeue(batch);
    }
  }

  function compose(batch: AlertBatch, transport: MailTransport): OutgoingEmail {
    const { subject, text } = renderEmail(batch, { commands, windowMs });
    return {
      from,
      to: [...new Set([...to, ...batch.recipients])],
      subject: transport.scrub(subject),
      text: transport.scrub(text),
      headers: { "X-Webhook-Router-Alert": batch.last.kind, "X-Webhook-Router-Stream": batch.key },
    };
  }

  return {
    notify(alert) {
      try {
        if (closed) {
          logger.warn({ alert }, "alert after shutdown; not emailed");
          return;
        }
        if (!throttle.add(alert, now())) logger.warn({ alert }, "too many alert streams at once; alert logged, not emailed");
      } catch (error) {
        logger.error({ err: (error as Error).message, alert }, "alert could not be queued");
      }
    },

    async close(ms) {
      if (closed) return;
      closed = true;
      heldDigests?.close();
      for (const batch of throttle.drain()) dispatch(batch);
      // Half the time for ordinary tries; then the waits between tries are cut short for a last one.
      const hurry = setTimeout(() => shutdown.abort(), ms / 2);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(hurry);
      clearTimeout(timer);
      shutdown.abort();
      if (inFlight.size > 0) logger.error({ emails: inFlight.size }, "alert emails still sending at shutdown; giving up on them");
      try {
        transport?.close();
      } catch (error) {
        logger.warn({ err: scrub((error as Error).message) }, "closing the mail transport failed");
      }
    },
  };
}

// Misconfiguration is thrown here, at start-up, never from notify().
function validate(options: AlerterOptions, windowMs: number, to: readonly string[]): void {
  if (!(windowMs > 0)) throw new Error(`alert digest window must be a positive number of ms, got ${windowMs}`);
  if (options.smtpUrl !== undefined && !/^smtps?:\/\/[^/]/i.test(options.smtpUrl)) {
    throw new Error("SMTP_URL must be an smtp:// or smtps:// URL");
  }
  if (options.smtpUrl && to.length === 0) throw new Error("ALERT_EMAIL_TO is required when SMTP_URL is set");
}
