import { DeliveryError, type DeliveryErrorKind } from "./port.js";
import { excerpt, type Scrubber } from "./scrub.js";

/** A target's answer, body already read. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface ClassifyOptions {
  /** Who answered, for the message: `odoo destination "erp" (POST erp.example.com/jsonrpc)`. */
  readonly target: string;
  readonly scrubber: Scrubber;
  /** A better description of the failure than the raw body (already scrubbed or secret-free). */
  readonly detail?: string;
  /** Used for a 429 without a usable Retry-After (QuickBooks documents "wait 60 s"). */
  readonly defaultRetryAfterMs?: number;
  /** Overrides the status-based kind (an API that signals errors in the body). */
  readonly kind?: DeliveryErrorKind;
}

const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/** The kind a status implies: 408/425/429/5xx transient, 401/403 credentials, else permanent. */
export function kindForStatus(status: number): DeliveryErrorKind {
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) return "transient";
  if (status === 401 || status === 403) return "credentials";
  return "permanent";
}

/**
 * Milliseconds to wait from `Retry-After` (delta-seconds or an HTTP date) or ShipBob's
 * `x-retry-after` (seconds); undefined when absent or unparsable.
 */
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  for (const name of ["retry-after", "x-retry-after"]) {
    const value = headers.get(name)?.trim();
    if (!value) continue;
    if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  return undefined;
}

/** What the operator (or the worker) should do next, by kind. */
export function nextStep(kind: DeliveryErrorKind, retryAfter?: number): string {
  switch (kind) {
    case "transient":
      return retryAfter === undefined ? "will be retried" : `will be retried after ${Math.ceil(retryAfter / 1000)} s`;
    case "credentials":
      return "check the destination's credentials and the API user's permissions; retrying will not help";
    case "permanent":
      return "the target rejected the call: fix the mapping or the data, then replay the dead-lettered event";
  }
}

/** Turns a non-success answer into the DeliveryError the worker acts on. */
export function errorFromAnswer(answer: HttpAnswer, options: ClassifyOptions): DeliveryError {
  const kind = options.kind ?? kindForStatus(answer.status);
  const wait = kind === "transient" ? (retryAfterMs(answer.headers) ?? (answer.status === 429 ? options.defaultRetryAfterMs : undefined)) : undefined;
  const detail = options.detail ?? excerpt(answer.text, options.scrubber);
  const redirect =
    answer.status >= 300 && answer.status < 400 ? ` (redirect to ${answer.headers.get("location") ?? "?"}; configure the final URL)` : "";
  return new DeliveryError(kind, `${options.target} answered ${answer.status}${redirect}: ${detail} — ${kind}, ${nextStep(kind, wait)}`, {
    status: answer.status,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}
