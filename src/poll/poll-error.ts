import type { PollFailureReason } from "../contracts/poll-observer.js";

/**
 * A failed poll request or response. `atOnce`: waiting will not heal it (401/403, a response that
 * no longer has the shape the source expects), so the email goes at once rather than after
 * `alertAfter`. `retryable`: the same request may succeed in a moment (5xx, 429, timeouts).
 */
export class PollError extends Error {
  override readonly name = "PollError";
  constructor(
    readonly reason: PollFailureReason,
    message: string,
    readonly options: { readonly status?: number; readonly atOnce?: boolean; readonly retryable?: boolean; readonly retryAfterMs?: number } = {},
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.options.status;
  }
  get atOnce(): boolean {
    return this.options.atOnce ?? false;
  }
  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}
