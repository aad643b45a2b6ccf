import type { TokenStore } from "../contracts/token-store.js";

/** A TokenStore in a Map: for tests, and for tokens that need not outlive the process. */
export function createMemoryTokenStore(initial: Record<string, string> = {}): TokenStore & { readonly entries: Map<string, string> } {
  const entries = new Map(Object.entries(initial));
  return {
    entries,
    async get(key) {
      return entries.get(key);
    },
    async set(key, value) {
      entries.set(key, value);
    },
  };
}
