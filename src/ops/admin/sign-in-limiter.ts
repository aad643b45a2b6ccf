/** Failed sign-ins allowed per client address in a window before it must wait. */
export const SIGN_IN_FAILURES = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Addresses remembered; past this the oldest is forgotten (a spray of addresses cannot grow memory). */
const MAX_ADDRESSES = 10_000;

export interface SignInLimiter {
  /** Seconds to wait before trying again, or 0 when this address may try now. */
  retryAfter(address: string): number;
  failed(address: string): void;
  succeeded(address: string): void;
}

/**
 * A fixed window of failed attempts per address: ten guesses a quarter-hour make guessing a
 * 16-character token hopeless, and an operator mistyping is not locked out for long.
 */
export function createSignInLimiter(now: () => number = Date.now): SignInLimiter {
  const failures = new Map<string, { count: number; resetAt: number }>();
  const current = (address: string) => {
    const entry = failures.get(address);
    if (entry && entry.resetAt <= now()) {
      failures.delete(address);
      return undefined;
    }
    return entry;
  };
  return {
    retryAfter(address) {
      const entry = current(address);
      return entry && entry.count >= SIGN_IN_FAILURES ? Math.ceil((entry.resetAt - now()) / 1000) : 0;
    },
    failed(address) {
      const entry = current(address);
      if (entry) entry.count += 1;
      else {
        if (failures.size >= MAX_ADDRESSES) failures.delete(failures.keys().next().value!);
        failures.set(address, { count: 1, resetAt: now() + SIGN_IN_WINDOW_MS });
      }
    },
    succeeded(address) {
      failures.delete(address);
    },
  };
}
