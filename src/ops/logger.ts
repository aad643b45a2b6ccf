import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear. Request logs carry no headers at all; these catch
 * anything that slips into a log object by another road (an error with a config attached, say).
 */
const REDACT = [
  "headers.authorization",
  'headers["x-tracktile-signature"]',
  'headers["x-tracktik-secret"]',
  'headers["webhook-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["stripe-signature"]',
  'headers["x-slack-signature"]',
  "*.authorization",
  "*.password",
  "*.secret",
  "*.secrets",
  "*.token",
  "*.apiKey",
];

export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; stdout (asynchronously) by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  // Asynchronous stdout: a request never waits for a log line to be written. Shutdown flushes.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: "webhook-router" },
      redact: { paths: REDACT, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
