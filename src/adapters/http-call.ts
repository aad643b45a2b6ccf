import { DeliveryError } from "./port.js";
import type { HttpAnswer } from "./http-errors.js";
import { nextStep } from "./http-errors.js";

export interface HttpCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | URLSearchParams;
}

export interface CallContext {
  /** The delivery's signal (the route's timeout, shutdown). */
  readonly signal: AbortSignal;
  /** This one call's budget; a slower target is a transient failure. */
  readonly timeoutMs: number;
  /** Who is called, for messages; never contains credentials. */
  readonly target: string;
}

/**
 * Makes one HTTP call and reads the whole answer. Resolves with any status; rejects only with a
 * transient DeliveryError when there is no answer: refused, reset, DNS, timeout or abort.
 * Redirects are not followed: a POST silently turned into a GET would lose the delivery.
 */
export async function callHttp(call: HttpCall, context: CallContext): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  try {
    const response = await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      redirect: "manual",
      signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    throw noAnswer(error, context, timeout);
  }
}

function noAnswer(error: unknown, context: CallContext, timeout: AbortSignal): DeliveryError {
  const why = timeout.aborted
    ? `no answer within ${context.timeoutMs} ms`
    : context.signal.aborted
      ? "the delivery was aborted (route timeout or shutdown)"
      : `could not reach it (${networkCode(error)})`;
  return new DeliveryError("transient", `${context.target}: ${why} — transient, ${nextStep("transient")}`, {
    cause: error,
  });
}

/** undici wraps the socket error: `TypeError: fetch failed` with `cause.code = ECONNREFUSED`. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `POST erp.example.com/jsonrpc`: method, host and path only (no query string, no userinfo). */
export function describeCall(method: string, url: string): string {
  try {
    const parsed = new URL(url);
    return `${method} ${parsed.host}${parsed.pathname}`;
  } catch {
    return method;
  }
}
