import { lookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { Agent, fetch } from "undici";
import { type Backoff, backoffDelay } from "../contracts/backoff.js";
import type { Outcome } from "../contracts/outcome.js";
import { isPrivateAddress } from "../contracts/public-address.js";
import type { SyncAnswer } from "./sync-reply.js";

/** An asynchronous endpoint's callback, as its route's worker needs it. */
export interface CallbackSettings {
  /** The Standard Webhooks secret, `whsec_<base64>`. */
  readonly secret: string;
  /** How long one POST may take. */
  readonly timeoutMs: number;
  /** POSTs in all, the first included; then the payload is dead-lettered. */
  readonly attempts: number;
  readonly backoff: Backoff;
  /** A caller's URL may reach only public addresses (the endpoint's `allowPrivate` is off). */
  readonly publicOnly: boolean;
  /** The endpoint's configured URL: the operator's choice, called wherever it points. */
  readonly configuredUrl?: string | undefined;
}

/** The callback's body: the call's id and status, and the mapped answer (`body`) or what went wrong (`error`). */
export function callbackPayload(id: string, answer: SyncAnswer): string {
  const parsed: unknown = JSON.parse(answer.body);
  return JSON.stringify(answer.status < 400 ? { id, status: answer.status, body: parsed } : { id, status: answer.status, error: parsed });
}

// Statuses that say "later", not "never".
const TRANSIENT_4XX = new Set([408, 425, 429]);

/**
 * POSTs the payload, signed with Standard Webhooks (`webhook-id` is the call's id, the same on every
 * try, so the receiver can drop a repeat). Redirects are not followed: the checked URL is the one
 * called. Undefined when the receiver took it (2xx); else the outcome that settles the copy.
 */
export async function postCallback(
  url: string,
  payload: string,
  id: string,
  attempt: number,
  settings: CallbackSettings,
): Promise<Extract<Outcome, { kind: "retry" | "dead" }> | undefined> {
  const sentAt = new Date();
  const signature = new Webhook(settings.secret).sign(id, sentAt, payload);
  let status: number | undefined;
  let error: string;
  const guarded = settings.publicOnly && url !== settings.configuredUrl;
  if (guarded && isPrivateLiteral(url)) return { kind: "dead", reason: "permanent", error: "the callback URL is not a public address" };
  try {
    const response = await fetch(url, {
      method: "POST",
      ...(guarded ? { dispatcher: PUBLIC_ONLY } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: payload,
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return undefined;
    status = response.status;
    error = `the callback answered ${status}`;
  } catch (thrown) {
    const cause = (thrown as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === NOT_PUBLIC) return { kind: "dead", reason: "permanent", error: `the callback failed: ${cause.message}` };
    error = `the callback failed: ${(thrown as Error).message}`;
  }
  const permanent = status !== undefined && status >= 300 && status < 500 && !TRANSIENT_4XX.has(status);
  if (permanent) return { kind: "dead", reason: "permanent", error, status };
  if (attempt >= settings.attempts) return { kind: "dead", reason: "exhausted", error, status };
  return { kind: "retry", next: attempt + 1, delayMs: backoffDelay(settings.backoff, attempt - 1), error, status };
}

const NOT_PUBLIC = "ENOTPUBLIC";

const publicLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((entry) => isPrivateAddress(entry.address))) {
      return callback(Object.assign(new Error(`${hostname} is not a public address now`), { code: NOT_PUBLIC }), []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * Connections whose every address is checked when it is looked up, the moment before connecting:
 * the ingress checked the caller's URL, but a DNS answer may change in between (DNS rebinding).
 */
const PUBLIC_ONLY = new Agent({ connect: { lookup: publicLookup } });

/** An address literal is connected to without a lookup: checked here instead. */
function isPrivateLiteral(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 && isPrivateAddress(host);
}
