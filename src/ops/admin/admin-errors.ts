import { ApiError, type ErrorMeaning } from "../../contracts/api-error.js";

/**
 * The admin API's errors: a stable code (the JSON body's `error`), its HTTP status, and whether
 * trying again later can help. Handlers throw AdminError; one middleware answers.
 */
export const adminErrors = {
  unauthorized: { status: 401, retryable: false },
  /** A cross-site request, a missing or wrong CSRF token, or (without ADMIN_TOKEN) a non-loopback Host. */
  forbidden: { status: 403, retryable: false },
  /** Too many failed sign-ins from one address. */
  too_many_attempts: { status: 429, retryable: true },
  invalid_request: { status: 400, retryable: false },
  not_found: { status: 404, retryable: false },
  unknown_route: { status: 404, retryable: false },
  delivery_log_disabled: { status: 503, retryable: false },
  broker_unavailable: { status: 503, retryable: true },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, ErrorMeaning>;

export type AdminErrorCode = keyof typeof adminErrors;

/** An admin API error: handlers throw it; one middleware answers. */
export class AdminError extends ApiError<AdminErrorCode> {
  override readonly name = "AdminError";
  constructor(code: AdminErrorCode, message: string) {
    super(code, message, adminErrors);
  }
}
