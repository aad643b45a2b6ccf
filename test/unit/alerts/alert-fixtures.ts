import { Writable } from "node:stream";
import type { Logger } from "pino";
import type { Alert, DeadLetteredAlert } from "../../../src/ops/alerts/alert.js";
import type { MailTransport, OutgoingEmail } from "../../../src/ops/alerts/mail-transport.js";
import { createLogger } from "../../../src/ops/logger.js";

export interface LogCapture {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Array<Record<string, unknown> & { level: string; msg: string }>;
  /** Every line as written, for searching for text that must never appear. */
  readonly raw: () => string;
}

/** The project's logger (with its redaction) writing into memory. */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  return {
    logger,
    get lines() {
      return chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogCapture["lines"][number]);
    },
    raw: () => chunks.join(""),
  };
}

export function deadLettered(overrides: Partial<DeadLetteredAlert> = {}): DeadLetteredAlert {
  return {
    kind: "dead_lettered",
    routeId: "orders-to-quickbooks",
    destination: "quickbooks-prod",
    eventId: "ord_1",
    reason: "exhausted",
    status: 503,
    attempts: 5,
    error: "QuickBooks answered 503: Service Unavailable (after 5 attempts)",
    ...overrides,
  };
}

export function deadLetteredMany(count: number, overrides: Partial<DeadLetteredAlert> = {}): DeadLetteredAlert[] {
  return Array.from({ length: count }, (_, i) => deadLettered({ eventId: `ord_${i + 1}`, ...overrides }));
}

export interface FakeTransport extends MailTransport {
  readonly sent: OutgoingEmail[];
  /** Tries, successful or not. */
  tries: number;
  /** When set, every send rejects with this message. */
  failWith: string | undefined;
  /** When true, sends never settle (a black-holed server). */
  hang: boolean;
}

/** A transport that records emails in memory and can be made to fail or hang. */
export function fakeTransport(): FakeTransport {
  const transport: FakeTransport = {
    sent: [],
    tries: 0,
    failWith: undefined,
    hang: false,
    description: "fake",
    scrub: (text) => text,
    send(email) {
      transport.tries += 1;
      if (transport.hang) return new Promise(() => {});
      if (transport.failWith !== undefined) return Promise.reject(new Error(transport.failWith));
      transport.sent.push(email);
      return Promise.resolve();
    },
    close() {},
  };
  return transport;
}

export type { Alert };
