import type { TokenStore } from "../contracts/token-store.js";

/** A TokenStore in a Map: for tests, and for tokens that need not outlive the process. */
export function createMemoryTokenStore(initial: Record<string, string> = {}): TokenStore & { readonly entries: Map<string, string> } {
  const entries = new Map(Object.entries(initial));
  const leases = new Map<string, { owner: string; expiresAt: number }>();
  return {
    entries,
    async get(key) {
      return entries.get(key);
    },
    async set(key, value) {
      entries.set(key, value);
    },
    async compareAndSet(key, expected, value) {
      if (entries.get(key) !== expected) return false;
      entries.set(key, value);
      return true;
    },
    async lease(key, owner, ttlMs) {
      const held = leases.get(key);
      if (held && held.owner !== owner && held.expiresAt > Date.now()) return false;
      leases.set(key, { owner, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async release(key, owner) {
      if (leases.get(key)?.owner === owner) leases.delete(key);
    },
  };
}
