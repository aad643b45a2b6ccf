import { createTransport } from "nodemailer";
import { parseConnectionUrl } from "nodemailer/lib/shared/index.js";
import type { Logger } from "pino";
import { Scrubber } from "../../adapters/scrub.js";

/** One email, ready to go. Plain text: it reads the same in every client and in a terminal. */
export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Extra headers for mail filters (`X-Webhook-Router-Alert`, …). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Where alert emails go. Promises: `send` settles (resolves once the server accepted the message
 * for at least one recipient, rejects otherwise) within the transport's own timeouts, and its
 * error messages carry no credentials. Does not promise delivery to the mailbox.
 */
export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
  /** Where mail goes, safe to log: scheme, host and port, never the user or password. */
  readonly description: string;
  /** Removes this transport's credentials from a text (an error message, a log line). */
  scrub(text: string): string;
}

// nodemailer's defaults (2 min to connect, 10 min of socket silence) would let one dead server
// hold an alert for a quarter of an hour; a `?connectionTimeout=` in SMTP_URL still wins.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** SMTP from a URL such as `smtp://user:pass@host:587` or `smtps://…:465` (nodemailer's URL form). */
export function createSmtpTransport(smtpUrl: string, logger: Logger): MailTransport {
  const options = parseConnectionUrl(smtpUrl);
  const auth = options.auth as { user?: string; pass?: string } | undefined;
  const scrubber = new Scrubber(smtpSecrets(auth?.user, auth?.pass, smtpUrl));
  // Alerts carry text only: nodemailer must never be able to read a file or fetch a URL for them.
  const transporter = createTransport({ ...TIMEOUTS, ...options, disableFileAccess: true, disableUrlAccess: true });
  const description = `${options.secure ? "smtps" : "smtp"}://${options.host ?? "localhost"}:${options.port ?? (options.secure ? 465 : 587)}`;
  return {
    description,
    scrub: (text) => scrubber.scrub(text),
    async send(email) {
      try {
        const info = await transporter.sendMail({ ...email, to: [...email.to], headers: { ...email.headers } });
        const rejected = (info.rejected as unknown[] | undefined) ?? [];
        if (rejected.length > 0) {
          logger.warn({ subject: email.subject, rejected: rejected.map(String) }, "alert email: some recipients were refused");
        }
      } catch (error) {
        throw new Error(scrubber.scrub(smtpErrorText(error)));
      }
    },
    close: () => transporter.close(),
  };
}

/** The credential in every form it could travel in: as written, percent-encoded, in AUTH PLAIN. */
function smtpSecrets(user: string | undefined, pass: string | undefined, url: string): string[] {
  if (!pass) return [];
  const raw = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(url)?.[1];
  return [pass, raw, `\0${user ?? ""}\0${pass}`, `${user ?? ""}:${pass}`].filter((s): s is string => Boolean(s));
}

function smtpErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  const tags = [code, responseCode].filter((t) => t !== undefined).join(" ");
  return tags ? `${error.message} (${tags})` : error.message;
}
