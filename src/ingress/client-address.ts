import type { IncomingMessage } from "node:http";
import { ipKeyGenerator } from "express-rate-limit";
import proxyaddr from "proxy-addr";

/** TRUST_PROXY, as express's `trust proxy` setting takes it. */
export type TrustProxy = boolean | number | string[];

/**
 * The client's address as express's `request.ip` computes it for the same `trust proxy` value
 * (the webhook path runs without express, and rate limits must key on the same address).
 */
export function createClientAddress(trust: TrustProxy): (request: IncomingMessage) => string {
  if (trust === false) return (request) => request.socket.remoteAddress ?? "";
  const trusted = trust === true ? () => true : typeof trust === "number" ? (_: string, hop: number) => hop < trust : proxyaddr.compile(trust);
  return (request) => proxyaddr(request, trusted);
}

/** Distinct clients remembered; a scan from many addresses only costs a recomputation. */
const MAX_KEYS = 10_000;

/**
 * The rate limit's key for an address: itself for IPv4, its /56 for IPv6 (one subscriber's
 * allocation, so rotating addresses does not escape the limit), as express-rate-limit keys it.
 * Remembered, because parsing an IPv6 address (a dual-stack socket makes every IPv4 client one)
 * costs more than the rest of the limit check.
 */
export function createClientKeys(): (address: string) => string {
  const keys = new Map<string, string>();
  return (address) => {
    let key = keys.get(address);
    if (key === undefined) {
      if (keys.size >= MAX_KEYS) keys.clear();
      key = ipKeyGenerator(address);
      keys.set(address, key);
    }
    return key;
  };
}
