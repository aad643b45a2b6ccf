import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { TokenStore } from "../contracts/token-store.js";
import { DeliveryError } from "./port.js";

/** How often a process waiting for another's refresh looks again: a refresh takes ~0.1–1 s. */
const POLL_MS = 100;

/** Who holds a lease: the machine and process, like the dedup claims' owners. */
export function leaseOwner(): string {
  return `${hostname().slice(0, 200)}/${process.pid}/${randomBytes(4).toString("hex")}`;
}

/**
 * Runs `work` while holding the store's lease on `key`: one process at a time, across every
 * process on the store. Waits for another holder to finish (or its lease, `ttlMs`, to run out: it
 * crashed); a store that cannot be reached is logged and `work` runs anyway, as it did alone.
 */
export async function underLease<T>(
  lease: { readonly store: TokenStore; readonly key: string; readonly owner: string; readonly ttlMs: number; readonly what: string },
  logger: Logger,
  work: () => Promise<T>,
): Promise<T> {
  const { store, key, owner, ttlMs } = lease;
  // Past the holder's lease and a margin something is off (clocks apart): retry the delivery later.
  const deadline = Date.now() + ttlMs + 5000;
  for (let waits = 0; ; waits += 1) {
    let taken: boolean;
    try {
      taken = await store.lease(key, owner, ttlMs);
    } catch (error) {
      logger.error({ err: (error as Error).message }, "could not take the token refresh lease; refreshing without it");
      return work();
    }
    if (taken) {
      try {
        return await work();
      } finally {
        await store.release(key, owner).catch((error: unknown) => {
          logger.warn({ err: (error as Error).message }, "could not release the token refresh lease; it expires by itself");
        });
      }
    }
    if (waits === 0) logger.debug("another process is refreshing the token; waiting for it");
    if (Date.now() > deadline) {
      throw new DeliveryError("transient", `${lease.what}: another process has held the token refresh lease for over ${Math.round(ttlMs / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS / 2 + Math.random() * POLL_MS));
  }
}
