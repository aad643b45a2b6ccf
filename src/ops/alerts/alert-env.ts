import type { Logger } from "pino";
import { z } from "zod";
import { ConfigError } from "../../config/config-error.js";
import { durationSchema } from "../../config/duration.js";
import type { AlerterOptions } from "./create-alerter.js";
import { createCommands } from "./commands.js";

// `ops@example.com` or `Ops team <ops@example.com>`.
const MAILBOX = /^(?:[^<>@\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
const mailbox = z.string().trim().regex(MAILBOX, "expected an address such as ops@example.com or Ops <ops@example.com>");

const mailboxList = z
  .string()
  .transform((raw) =>
    raw
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(mailbox));

/**
 * Alert settings, read from the environment with the rest (ops-env.ts merges them into the ops
 * slice). Cross-field rules are checked by
 * `alerterOptionsFromEnv`, so this stays a plain object that merges cleanly.
 */
export const alertEnvSchema = z.object({
  /** SMTP server for failure emails, e.g. `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. Unset: alerts are only logged (warn). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/i, "expected an smtp:// or smtps:// URL")
    .optional(),
  /** Comma-separated addresses that get every alert (routes and sources may add their own). Required with SMTP_URL. @defaultValue (none) */
  ALERT_EMAIL_TO: mailboxList.default([]),
  /** Sender address of alert emails; most relays require a verified one. @defaultValue webhook-router@<host name> */
  ALERT_EMAIL_FROM: mailbox.optional(),
  /**
   * After an alert is emailed, further alerts of the same kind on the same route or source are
   * collected for this long into one digest. A bare number is milliseconds. @defaultValue 15m
   */
  ALERT_DIGEST_WINDOW: durationSchema
    .pipe(z.number().min(1000, "must be at least 1s (a bare number is milliseconds: write 15m)"))
    .default(15 * 60_000),
  /** How emails write the CLI in the commands they suggest, e.g. `docker compose exec router webhook-router`. @defaultValue webhook-router */
  ALERT_CLI_COMMAND: z.string().trim().min(1).default("webhook-router"),
  /**
   * Days before a destination's token or refresh token expires (when known: TrackVia, QuickBooks,
   * a configured `tokenExpiresAt`) that a `token_expiring` email is sent, once a day; 0 turns it off.
   * @defaultValue 7
   */
  ALERT_TOKEN_EXPIRY_DAYS: z.coerce.number().int("must be a whole number of days").min(0).max(365).default(7),
  /** Readiness URL the spooling email tells operators to check. @defaultValue http://localhost:$PORT/readyz */
  ALERT_READYZ_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type AlertEnv = Readonly<z.infer<typeof alertEnvSchema>>;

/** The alerter's options from validated env; throws ConfigError for settings that only fail together. */
export function alerterOptionsFromEnv(env: AlertEnv & { readonly PORT?: number | undefined }, logger: Logger): AlerterOptions {
  if (env.SMTP_URL && env.ALERT_EMAIL_TO.length === 0) {
    throw new ConfigError([
      { file: "environment", path: "ALERT_EMAIL_TO", message: "required when SMTP_URL is set: who should get failure emails?" },
    ]);
  }
  return {
    smtpUrl: env.SMTP_URL,
    to: env.ALERT_EMAIL_TO,
    from: env.ALERT_EMAIL_FROM,
    windowMs: env.ALERT_DIGEST_WINDOW,
    logger,
    commands: createCommands({
      program: env.ALERT_CLI_COMMAND,
      readyzUrl: env.ALERT_READYZ_URL ?? `http://localhost:${env.PORT ?? 8080}/readyz`,
    }),
  };
}
