import { ApiError } from "../contracts/api-error.js";
import { INGRESS_ERRORS, type IngressErrorCode } from "../contracts/ingress-errors.js";

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
