/**
 * Where rotating OAuth refresh tokens live between restarts. QuickBooks hands out a new refresh
 * token on refresh and the old one stops working soon after, so the latest must survive the
 * process: production backs this with SQLite, tests with memory.
 */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

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
