import { createHash } from "node:crypto";

const MAX_LENGTH = 50;
const SAFE = /^[A-Za-z0-9._:-]+$/;

/**
 * The `requestid` for a delivery: the same for every retry of it (QuickBooks then answers the
 * original response instead of creating a second invoice), and distinct per route, so two
 * routes turning one event into two documents do not collide. At most 50 characters: readable
 * when it fits, otherwise 40 hex characters of a SHA-256.
 */
export function requestIdFor(routeId: string, eventId: string): string {
  const plain = `${routeId}:${eventId}`;
  if (plain.length <= MAX_LENGTH && SAFE.test(plain)) return plain;
  return createHash("sha256").update(plain).digest("hex").slice(0, 40);
}
