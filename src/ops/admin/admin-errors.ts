/**
 * The admin API's errors: a stable code (the JSON body's `error`), its HTTP status, and whether
 * trying again later can help. Handlers throw AdminError; one middleware answers.
 */
export const adminErrors = {
  unauthorized: { status: 401, retryable: false },
  invalid_request: { status: 400, retryable: false },
  not_found: { status: 404, retryable: false },
  unknown_route: { status: 404, retryable: false },
  delivery_log_disabled: { status: 503, retryable: false },
  broker_unavailable: { status: 503, retryable: true },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type AdminErrorCode = keyof typeof adminErrors;

/** An error that becomes `{"error": code, "message": message}` with the code's status. */
export class AdminError extends Error {
  override readonly name = "AdminError";
  readonly status: number;
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.status = adminErrors[code].status;
  }

  toBody(): { error: AdminErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}
