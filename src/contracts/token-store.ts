/**
 * Where rotating OAuth refresh tokens live between restarts. QuickBooks hands out a new refresh
 * token on refresh and the old one stops working soon after, so the latest must survive the
 * process: production backs this with SQLite, tests with memory.
 */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}
