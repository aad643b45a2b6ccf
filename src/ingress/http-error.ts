import { ApiError, type ErrorMeaning } from "../contracts/api-error.js";

/**
 * The one catalogue of errors a sender can see. Each has a stable code (in the JSON body and in
 * logs), an HTTP status, and whether retrying the same request can help — the handler maps
 * errors to responses here and nowhere else.
 */
export const httpErrors = {
  unknown_source: { status: 404, retryable: false },
  not_found: { status: 404, retryable: false },
  invalid_url: { status: 400, retryable: false },
  bad_request: { status: 400, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_encoding: { status: 415, retryable: false },
  invalid_signature: { status: 401, retryable: false },
  invalid_body: { status: 400, retryable: false },
  invalid_event: { status: 400, retryable: false },
  rate_limited: { status: 429, retryable: true },
  unavailable: { status: 503, retryable: true },
  request_aborted: { status: 400, retryable: true },
  request_timeout: { status: 408, retryable: true },
  headers_too_large: { status: 431, retryable: false },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, ErrorMeaning>;

export type HttpErrorCode = keyof typeof httpErrors;

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
    super(code, message, httpErrors);
  }
}
