import { ApiError } from "../contracts/api-error.js";
import { INGRESS_ERRORS, type IngressErrorCode, MAX_VIOLATIONS } from "../contracts/ingress-errors.js";

/** A code of the ingress's error catalogue (contracts/ingress-errors.ts). */
export type HttpErrorCode = IngressErrorCode;

/** An error the ingress answers with: `{"error": code, "message": message}` and the code's status. */
export class HttpError extends ApiError<HttpErrorCode> {
  override readonly name = "HttpError";
  constructor(
    code: HttpErrorCode,
    message: string,
    /** Extra detail for the log line only — never sent to the client. */
    readonly detail?: Record<string, unknown>,
    /** Seconds the client should wait before retrying: sent as `Retry-After` (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, INGRESS_ERRORS);
  }
}

/** Where the body breaks its schema (a JSON Pointer into it) and how, never with the body's values. */
export interface ViolationItem {
  readonly pointer: string;
  readonly message: string;
}

/**
 * `422 {"error":"schema_violation", "message", "violations":[{pointer, message}], "omitted"?}`:
 * the body is signed and JSON, but not what the source's schema says. Not retryable: the same
 * body fails the same way. At most MAX_VIOLATIONS are listed; `omitted` counts the rest.
 */
export class SchemaViolationError extends HttpError {
  readonly violations: readonly ViolationItem[];
  readonly omitted: number;
  constructor(eventName: string, violations: readonly ViolationItem[]) {
    const count = violations.length;
    super("schema_violation", `the body does not match the schema for ${eventName} (${count} violation${count === 1 ? "" : "s"})`, {
      violations: count,
    });
    this.violations = violations.slice(0, MAX_VIOLATIONS).map(({ pointer, message }) => ({ pointer, message }));
    this.omitted = Math.max(0, count - MAX_VIOLATIONS);
  }

  override toBody(): { error: HttpErrorCode; message: string; violations: readonly ViolationItem[]; omitted?: number } {
    return { ...super.toBody(), violations: this.violations, ...(this.omitted > 0 ? { omitted: this.omitted } : {}) };
  }
}
