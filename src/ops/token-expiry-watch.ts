import type { Logger } from "pino";
import { configuredTokenExpiry } from "../adapters/configured-expiry.js";
import type { RoutingTable } from "../config/load-routes.js";
import { decodeTokenExpiry, destinationOfExpiryKey, tokenExpiryKey, type TokenExpiry } from "../contracts/token-expiry.js";
import type { TokenStore } from "../contracts/token-store.js";
import type { TokenExpiringAlert } from "./alerts/index.js";

const DAY_MS = 86_400_000;
/** Tokens are checked this often besides at start and whenever an adapter records a new expiry. */
export const TOKEN_EXPIRY_CHECK_MS = 60 * 60_000;

export interface TokenExpiryWatchOptions {
  readonly table: RoutingTable;
  readonly tokens: TokenStore;
  /** ALERT_TOKEN_EXPIRY_DAYS: how far ahead to warn. */
  readonly days: number;
  readonly notify: (alert: TokenExpiringAlert) => void;
  readonly logger: Logger;
  /** @defaultValue () => Date.now() */
  readonly now?: () => number;
}

export interface TokenExpiryWatch {
  /** The token store to hand the adapters: writes of an expiry record trigger a check of that destination. */
  readonly tokens: TokenStore;
  /** Checks every destination now (at start, then hourly). */
  checkAll(): Promise<void>;
  stop(): void;
}

/**
 * Warns before a destination's credential expires: at start, hourly, and when an adapter learns a
 * new expiry. At most one email a day per destination across every process on the state store:
 * the day's warning is claimed with a compare-and-set on `token-expiry-warned:<destination>`.
 */
export function watchTokenExpiry(options: TokenExpiryWatchOptions): TokenExpiryWatch {
  const { table, tokens, logger } = options;
  const now = options.now ?? (() => Date.now());
  const timer = setInterval(() => void checkAll(), TOKEN_EXPIRY_CHECK_MS);
  timer.unref();

  async function checkAll(): Promise<void> {
    for (const id of table.destinations.keys()) await check(id);
  }

  async function check(id: string): Promise<void> {
    const destination = table.destinations.get(id);
    if (!destination || options.days <= 0) return;
    try {
      const stored = decodeTokenExpiry(await tokens.get(tokenExpiryKey(id)));
      const configured = configuredTokenExpiry(destination);
      // The token endpoint's word is newer than the configuration's.
      const expiry: TokenExpiry | undefined = stored ?? configured;
      if (!expiry) return;
      const expiresAt = new Date(expiry.expiresAt);
      if (expiresAt.getTime() - now() > options.days * DAY_MS) return;
      if (!(await claimToday(id))) return;
      const routes = [...table.routes.values()].filter((route) => route.destination === id);
      options.notify({
        kind: "token_expiring",
        destination: id,
        destinationKind: destination.kind,
        what: expiry.what,
        expiresAt,
        source: stored ? "token endpoint" : "configuration",
        routes: routes.map((route) => route.id),
        recipients: [...new Set(routes.flatMap((route) => route.failureEmails))],
      });
    } catch (error) {
      logger.warn({ destination: id, err: (error as Error).message }, "could not check when the destination's token expires");
    }
  }

  /** True for the one process that records today's warning; the others (and this one, later today) skip it. */
  async function claimToday(id: string): Promise<boolean> {
    const key = `token-expiry-warned:${id}`;
    const last = await tokens.get(key);
    const lastAt = last === undefined ? Number.NaN : Date.parse(last);
    if (!Number.isNaN(lastAt) && now() - lastAt < DAY_MS) return false;
    return tokens.compareAndSet(key, last, new Date(now()).toISOString());
  }

  const observed: TokenStore = {
    get: (key) => tokens.get(key),
    async set(key, value) {
      await tokens.set(key, value);
      recorded(key);
    },
    async compareAndSet(key, expected, value) {
      const stored = await tokens.compareAndSet(key, expected, value);
      if (stored) recorded(key);
      return stored;
    },
    lease: (key, owner, ttlMs) => tokens.lease(key, owner, ttlMs),
    release: (key, owner) => tokens.release(key, owner),
  };

  function recorded(key: string): void {
    const id = destinationOfExpiryKey(key);
    if (id !== undefined) void check(id);
  }

  return {
    tokens: observed,
    checkAll,
    stop: () => clearInterval(timer),
  };
}
