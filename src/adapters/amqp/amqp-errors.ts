import { nextStep } from "../http-errors.js";
import { DeliveryError, type DeliveryErrorKind } from "../port.js";
import type { Scrubber } from "../scrub.js";

/**
 * Classifies a broker failure from amqplib's message, which carries the AMQP reply code:
 * 403 ACCESS-REFUSED is a credentials problem, 406 PRECONDITION-FAILED (the exchange exists with
 * another type) and 404 are configuration problems, anything else (refused, reset, closed) may
 * heal by itself.
 */
export function errorFromBroker(target: string, error: unknown, scrubber: Scrubber): DeliveryError {
  const message = error instanceof Error ? error.message : String(error);
  const kind: DeliveryErrorKind = /ACCESS[-_]REFUSED|\b403\b/.test(message)
    ? "credentials"
    : /PRECONDITION[-_]FAILED|NOT[-_]FOUND|\b40[46]\b/.test(message)
      ? "permanent"
      : "transient";
  const what = kind === "permanent" ? "check the exchange's name and type (it must be a durable topic exchange)" : nextStep(kind);
  return new DeliveryError(kind, `${target}: ${scrubber.scrub(message).slice(0, 300)} — ${kind}, ${what}`, { cause: error });
}
