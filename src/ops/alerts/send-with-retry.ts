import type { MailTransport, OutgoingEmail } from "./mail-transport.js";

export interface RetryPolicy {
  /** Tries per email, the first included. */
  readonly attempts: number;
  /** Wait before the second try; doubles after each failure. */
  readonly baseDelayMs: number;
  /** Cuts the waits short (shutdown): the remaining tries happen at once. */
  readonly signal: AbortSignal;
  readonly onRetry: (attempt: number, error: string, delayMs: number) => void;
}

/**
 * Sends one email with a bounded number of tries. Resolves with undefined once sent, or with the
 * last error's message after the last try — never rejects, so a caller cannot forget to catch.
 */
export async function sendWithRetry(transport: MailTransport, email: OutgoingEmail, policy: RetryPolicy): Promise<string | undefined> {
  let lastError = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      await transport.send(email);
      return undefined;
    } catch (error) {
      lastError = transport.scrub(error instanceof Error ? error.message : String(error));
      if (attempt === policy.attempts) break;
      const delayMs = policy.baseDelayMs * 2 ** (attempt - 1);
      policy.onRetry(attempt, lastError, delayMs);
      await sleep(delayMs, policy.signal);
    }
  }
  return lastError;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
