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

/** `LOG_FORMAT`: `json` for collectors, `pretty` for a person at a terminal, `auto` picks by stdout. */
export type LogFormat = "auto" | "json" | "pretty";

export interface LoggerOptions {
  readonly level: string;
  /** How stdout lines are written; ignored with `destination`. @defaultValue "json" */
  readonly format?: LogFormat | undefined;
  /** Where lines go (JSON); stdout (asynchronously) by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? stdout(options.format ?? "json");
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

/** Whether `auto` means pretty here: only when a person is watching stdout. */
export function resolveLogFormat(format: LogFormat, isTTY = process.stdout.isTTY === true): "json" | "pretty" {
  return format === "auto" ? (isTTY ? "pretty" : "json") : format;
}

function stdout(format: LogFormat): DestinationStream {
  if (resolveLogFormat(format) === "json") {
    // Asynchronous stdout: a request never waits for a log line to be written. Shutdown flushes.
    return pino.destination({ dest: 1, sync: false });
  }
  // pino-pretty in a worker thread (pino's transport): formatting costs the event loop nothing,
  // and redaction has already happened here, before the line leaves for the worker. pino flushes
  // the worker on exit. One line per entry, so one webhook or one outcome stays one line.
  return pino.transport({
    target: "pino-pretty",
    options: { destination: 1, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "service" },
  });
}
