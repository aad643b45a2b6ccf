import type { Claim, ClaimAnswer, ClaimStore } from "../../../src/state/claim-store.js";
import type { DeliveryStore } from "../../../src/state/delivery-store.js";

const key = (routeId: string, eventId: string) => `${routeId}\u0000${eventId}`;

/**
 * The state store's two ports in memory, over one set of records like the real store: a claim is
 * never won for a pair recorded as delivered. `claimFailure` makes every claim reject (a store
 * that cannot answer), `markFailure` every record.
 */
export class MemoryState {
  readonly delivered = new Map<string, string | undefined>();
  readonly claims = new Map<string, Claim>();
  /** Every claim handed out, and every release asked for, in order. */
  readonly claimed: Claim[] = [];
  readonly released: Claim[] = [];
  claimFailure: Error | undefined;
  markFailure: Error | undefined;

  readonly deliveryStore: DeliveryStore = {
    isDelivered: async (routeId, eventId) => this.delivered.has(key(routeId, eventId)),
    markDelivered: async (routeId, eventId, targetId) => {
      if (this.markFailure) throw this.markFailure;
      this.delivered.set(key(routeId, eventId), targetId);
    },
    prune: async () => 0,
  };

  readonly claimStore: ClaimStore = {
    claim: async (routeId, eventId, owner, leaseMs): Promise<ClaimAnswer> => {
      if (this.claimFailure) throw this.claimFailure;
      const pair = key(routeId, eventId);
      if (this.delivered.has(pair)) return { kind: "delivered" };
      const held = this.claims.get(pair);
      const now = Date.now();
      if (held && held.expiresAt > now) return { kind: "busy", owner: held.owner, expiresAt: held.expiresAt };
      const claim: Claim = { routeId, eventId, owner, fence: (held?.fence ?? 0) + 1, expiresAt: now + leaseMs };
      this.claims.set(pair, claim);
      this.claimed.push(claim);
      return { kind: "claimed", claim };
    },
    release: async (claim, after) => {
      await after?.catch(() => {});
      this.released.push(claim);
      const pair = key(claim.routeId, claim.eventId);
      const held = this.claims.get(pair);
      if (held?.owner === claim.owner && held.fence === claim.fence) this.claims.delete(pair);
    },
    prune: async () => 0,
  };

  /** Whether the pair is recorded as delivered, and with which target id. */
  record(routeId: string, eventId: string): { delivered: boolean; targetId: string | undefined } {
    const pair = key(routeId, eventId);
    return { delivered: this.delivered.has(pair), targetId: this.delivered.get(pair) };
  }
}
