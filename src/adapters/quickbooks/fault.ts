import type { DeliveryErrorKind } from "../port.js";
import type { Scrubber } from "../scrub.js";

/** One `Fault.Error[]` entry. */
export interface FaultError {
  readonly message: string;
  readonly detail: string;
  readonly code: string;
  readonly element: string;
}

/** A QuickBooks Fault: `ValidationFault`, `SystemFault`, `AuthenticationFault`, `AUTHENTICATION`… */
export interface Fault {
  readonly type: string;
  readonly errors: readonly FaultError[];
}

/** Intuit's code for an expired or revoked access token. */
const TOKEN_EXPIRED = "3200";

/** Reads `Fault`/`fault` with `Error`/`error` etc.: the casing differs between endpoints. */
export function readFault(body: unknown): Fault | undefined {
  const fault = member(body, "fault");
  if (fault === undefined || fault === null || typeof fault !== "object") return undefined;
  const list = member(fault, "error");
  const errors = (Array.isArray(list) ? list : []).map((entry: unknown) => ({
    message: text(member(entry, "message")),
    detail: text(member(entry, "detail")),
    code: text(member(entry, "code")),
    element: text(member(entry, "element")),
  }));
  return { type: text(member(fault, "type")), errors };
}

/** What a Fault type means for the delivery; undefined when the type is not one we know. */
export function kindForFault(fault: Fault): DeliveryErrorKind | undefined {
  const type = fault.type.toLowerCase();
  if (type.includes("validation")) return "permanent";
  if (type.includes("authentication") || type.includes("authorization")) return "credentials";
  if (type.includes("system")) return "transient";
  return undefined;
}

/** True when the Fault says the access token expired: refresh once and repeat. */
export function isExpiredToken(fault: Fault): boolean {
  return fault.errors.some((error) => error.code === TOKEN_EXPIRED || /errorCode=0*3200\b/.test(error.message));
}

export function describeFault(fault: Fault, scrubber: Scrubber): string {
  const first = fault.errors[0];
  const parts = [`${fault.type || "Fault"}${first?.code ? ` ${first.code}` : ""}`];
  if (first?.message) parts.push(first.message);
  if (first?.detail && first.detail !== first.message) parts.push(first.detail);
  if (first?.element) parts.push(`element ${first.element}`);
  if (fault.errors.length > 1) parts.push(`and ${fault.errors.length - 1} more error(s)`);
  return scrubber.scrub(parts.join(": ")).replace(/\s+/g, " ").slice(0, 400);
}

/** A member of an object by case-insensitive key. */
export function member(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object") return undefined;
  const lower = key.toLowerCase();
  for (const [name, item] of Object.entries(value)) if (name.toLowerCase() === lower) return item;
  return undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}
