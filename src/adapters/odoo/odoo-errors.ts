import { nextStep } from "../http-errors.js";
import { DeliveryError, type DeliveryErrorKind } from "../port.js";
import type { Scrubber } from "../scrub.js";

// Lock timeouts and serialization failures clear up on their own; Odoo retries them internally
// a few times, and when they still escape, a later attempt usually succeeds.
const TRANSIENT_EXCEPTION = /psycopg2|OperationalError|SerializationFailure|LockNotAvailable|ConcurrencyError|ConnectionError/;

/**
 * The kind an Odoo exception name implies (`odoo.exceptions.ValidationError`), or undefined when
 * the name says nothing (then the HTTP status decides, or permanent).
 */
export function kindForOdooException(name: string): DeliveryErrorKind | undefined {
  const short = name.split(".").pop() ?? name;
  if (short === "AccessDenied" || short === "AccessError") return "credentials";
  if (TRANSIENT_EXCEPTION.test(name)) return "transient";
  if (["ValidationError", "UserError", "MissingError", "ValueError", "KeyError", "TypeError"].includes(short)) return "permanent";
  return undefined;
}

/** An Odoo exception as both APIs describe it: JSON-RPC `error.data`, JSON-2's error body. */
export interface OdooException {
  readonly name: string;
  readonly message: string;
}

/** Reads `{name, message}` from an error object; the `debug` traceback is deliberately dropped. */
export function readOdooException(value: unknown): OdooException | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { name, message } = value as { name?: unknown; message?: unknown };
  if (typeof name !== "string") return undefined;
  return { name, message: typeof message === "string" ? message : "" };
}

export function describeOdooException(exception: OdooException, scrubber: Scrubber): string {
  const short = exception.name.split(".").pop() ?? exception.name;
  const message = scrubber.scrub(exception.message).replace(/\s+/g, " ").trim().slice(0, 300);
  return `Odoo raised ${short}${message ? `: ${message}` : ""}`;
}

/** A JSON-RPC error (HTTP 200 with `error`) as a DeliveryError. */
export function errorFromOdooException(target: string, exception: OdooException, scrubber: Scrubber): DeliveryError {
  const kind = kindForOdooException(exception.name) ?? "permanent";
  return new DeliveryError(kind, `${target}: ${describeOdooException(exception, scrubber)} — ${kind}, ${nextStep(kind)}`, {
    status: 200,
  });
}

/** An answer that fits neither success nor a known error shape: usually a wrong `url`. */
export function unexpectedAnswer(target: string, why: string): DeliveryError {
  return new DeliveryError("permanent", `${target}: ${why} — permanent, ${nextStep("permanent")}`);
}
