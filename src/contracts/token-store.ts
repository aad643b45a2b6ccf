/**
 * Where rotating OAuth refresh tokens live between restarts. QuickBooks hands out a new refresh
 * token on refresh and the old one stops working soon after, so the latest must survive the
 * process: production backs this with SQLite or PostgreSQL, tests with memory. Several worker
 * processes sharing one store refresh one at a time (`lease`) and never put an older token back
 * over a newer one (`compareAndSet`).
 */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /**
   * Stores `value` only if `key` still holds `expected` (undefined: no value yet); resolves
   * whether it did. A refresh token is never issued twice, so the value is its own version: a
   * process that lost a race finds another value and leaves the newer token alone.
   */
  compareAndSet(key: string, expected: string | undefined, value: string): Promise<boolean>;
  /**
   * Takes the lease on `key` for `ttlMs` unless another owner holds one that has not expired
   * (taken again by its owner, it is extended); resolves whether `owner` holds it now. An expired
   * lease — its holder crashed or hung — goes to the next taker.
   */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease on `key` back, if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;
}
