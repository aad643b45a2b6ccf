import type { DestinationLimits } from "../adapters/limits.js";
import type { CallGate } from "../adapters/port.js";
import type { HeldSlot, LimitStore, SlotPool } from "../state/limit-store.js";

/** The turn of one delivery: its first call and its place among the calls in flight. */
export interface Permit extends CallGate {
  /** Gives every slot back; a rate slot stays taken for its window if its call was made. */
  release(): Promise<void>;
}

export type Turn =
  | { readonly kind: "granted"; readonly permit: Permit }
  /** The limit stayed reached for the whole wait: hold the event back, no attempt spent. */
  | { readonly kind: "held"; readonly pool: string };

export interface DestinationLimiter {
  /** Who is limited, for logs: the budget's key. */
  readonly key: string;
  /** Waits (at most the limiter's bound) for a turn; rejects when the state store cannot answer. */
  acquire(): Promise<Turn>;
}

export interface LimiterOptions {
  /** How long a slot stays taken if its worker dies: longer than the slowest delivery. */
  readonly leaseMs: number;
  /** How long a delivery waits in the process for its turn before it is held back in the queue. */
  readonly maxWaitMs: number;
  /** How often a waiter asks again while every slot is taken (a release here wakes it at once). @defaultValue 50 */
  readonly pollMs?: number;
}

/**
 * Holds one destination's limits across every worker on the state store. Waiters in this process
 * take their turn first come, first served, and only the first of them asks the store: the others
 * wait behind it (in the route's prefetch, so the broker keeps the rest in the queue).
 */
export function createDestinationLimiter(store: LimitStore, limits: DestinationLimits, options: LimiterOptions): DestinationLimiter {
  const rates: SlotPool[] = limits.windows.map((w) => ({ pool: `${limits.key}:rate:${w.perMs}`, size: w.requests, windowMs: w.perMs }));
  const inFlight: SlotPool[] = limits.inFlight ? [{ pool: `${limits.key}:inflight`, size: limits.inFlight, windowMs: 0 }] : [];
  const firstCall = [...rates, ...inFlight];
  const pollMs = options.pollMs ?? 50;
  let tail: Promise<unknown> = Promise.resolve();
  const naps = new Naps();

  /** Asks the store until it grants every pool, or `deadline` (epoch ms) passes, or `signal` aborts. */
  const take = async (pools: readonly SlotPool[], deadline: number, signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      const answer = await store.take(pools, options.leaseMs);
      if (answer.kind === "granted") return answer;
      const left = deadline - Date.now();
      if (left <= 0) return answer;
      // Until the first slot's window ends, or sooner: a holder may give its slot back early.
      await naps.nap(Math.max(5, Math.min(answer.retryInMs, pollMs, left)), signal);
    }
  };
  // A delivery's further call goes straight to the store, past the queue: it already holds an
  // in-flight slot that the waiters ahead of it may be waiting for.
  const further = async (signal: AbortSignal) =>
    rates.length === 0 ? ({ kind: "granted", slots: [] } as const) : take(rates, Number.POSITIVE_INFINITY, signal);

  return {
    key: limits.key,
    async acquire() {
      const deadline = Date.now() + options.maxWaitMs;
      const queued = tail.then(() => take(firstCall, deadline));
      tail = queued.catch(() => {});
      const answer = await queued;
      if (answer.kind === "full") return { kind: "held", pool: answer.pool };
      return { kind: "granted", permit: permit(answer.slots, further, store, () => naps.wakeAll()) };
    },
  };
}

/**
 * The first call uses the turn taken before the delivery; each further call (a search before a
 * create, a repeat after a token refresh) takes a rate slot of its own, waiting within the
 * delivery's own timeout.
 */
function permit(
  first: readonly HeldSlot[],
  takeRates: (signal: AbortSignal) => ReturnType<LimitStore["take"]>,
  store: LimitStore,
  released: () => void,
): Permit {
  let calls = 0;
  const extra: HeldSlot[] = [];
  return {
    async beforeCall(signal) {
      calls += 1;
      if (calls === 1) return;
      const answer = await takeRates(signal);
      if (answer.kind === "granted") extra.push(...answer.slots);
    },
    async release() {
      await Promise.all([store.give(first, calls > 0), extra.length > 0 ? store.give(extra, true) : undefined]);
      released();
    },
  };
}

/** Waits between asks that a release in this process cuts short: its slot may be the one awaited. */
class Naps {
  readonly #sleepers = new Set<() => void>();

  nap(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        signal?.removeEventListener("abort", aborted);
        resolve();
      };
      const aborted = () => {
        done();
        reject(signal?.reason);
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.#sleepers]) wake();
  }
}
