import { EventEmitter } from "node:events";
import { request, type Dispatcher } from "undici";
import type { OriginPools } from "./origin-pools.js";
import { DeliveryError, type CallGate } from "./port.js";
import type { HttpAnswer } from "./http-errors.js";
import { nextStep } from "./http-errors.js";
import type { DeliveryReceipt } from "../contracts/outcome.js";

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
  /** The destination's limits (Delivery.gate): passed before anything is sent. */
  readonly gate?: CallGate | undefined;
}

/**
 * Makes one HTTP call and reads the whole answer. Resolves with any status; rejects with a
 * transient DeliveryError when there is no answer (refused, reset, DNS, timeout or abort), and a
 * permanent one when undici refuses to build the request at all.
 * Redirects are not followed: a POST silently turned into a GET would lose the delivery.
 */
export async function callHttp(call: HttpCall, context: CallContext, pools?: OriginPools): Promise<HttpAnswer> {
  // Before the call's own timer: waiting for a turn is not the target being slow.
  if (context.gate) await passGate(context);
  // One abort emitter and one timer: AbortSignal.timeout() + AbortSignal.any() per call showed up
  // in the worker's profile (bench/README.md), and so did fetch's web streams — undici's own
  // `request` is the same client without them. undici takes an EventEmitter as its signal, which
  // costs far less to make than an AbortController's AbortSignal.
  const abort = new CallAbort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, context.timeoutMs);
  const forward = () => abort.abort();
  if (context.signal.aborted) abort.abort();
  else context.signal.addEventListener("abort", forward, { once: true });
  try {
    const body = typeof call.body === "string" || call.body === undefined ? call.body : call.body.toString();
    const headers =
      call.body instanceof URLSearchParams && !hasHeader(call.headers, "content-type")
        ? { ...call.headers, "content-type": "application/x-www-form-urlencoded;charset=UTF-8" }
        : call.headers;
    const options = { method: call.method as Dispatcher.HttpMethod, headers, ...(body === undefined ? {} : { body }), signal: abort };
    const response = await send(call.url, options, pools);
    const text = await response.body.text();
    return new Answer(response.statusCode, response.headers, text);
  } catch (error) {
    throw noAnswer(error, context, timedOut);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener("abort", forward);
  }
}

async function passGate(context: CallContext): Promise<void> {
  try {
    await context.gate?.beforeCall(context.signal);
  } catch (error) {
    throw new DeliveryError("transient", `${context.target}: no turn within the destination's limits before the delivery was aborted`, {
      cause: error,
    });
  }
}

/** The `signal` undici is given: an EventEmitter with `aborted`, as undici documents it. */
class CallAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

/**
 * `request(url)` through the destination's own pool when it has one: the same URL parsing and
 * path undici's `request` derives (pathname + search), without the global Agent in between.
 */
function send(url: string, options: Omit<Dispatcher.RequestOptions, "origin" | "path">, pools: OriginPools | undefined) {
  if (pools) {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      const path = parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname;
      return pools.get(parsed.origin).request({ ...options, origin: parsed.origin, path });
    }
  }
  // Anything else (another scheme) gets undici's own answer, as before.
  return request(url, options);
}

/**
 * undici's refusals of a request it will not even send: a header value with a control or
 * non-Latin-1 character (a token with a trailing newline, say), an invalid URL or method. Sending
 * it again cannot help, so these are permanent; their messages name the header, never its value.
 */
const UNBUILDABLE = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_URL"]);

function noAnswer(error: unknown, context: CallContext, timedOut: boolean): DeliveryError {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && UNBUILDABLE.has(code)) {
    const what = code === "ERR_INVALID_URL" ? "invalid URL" : (error as Error).message;
    return new DeliveryError(
      "permanent",
      `${context.target}: could not build the request (${what}); nothing was sent — permanent, fix the destination's configuration or the data, then replay the dead-lettered event`,
      { cause: error },
    );
  }
  const why = timedOut
    ? `no answer within ${context.timeoutMs} ms`
    : context.signal.aborted
      ? "the delivery was aborted (route timeout or shutdown)"
      : `could not reach it (${networkCode(error)})`;
  return new DeliveryError("transient", `${context.target}: ${why} — transient, ${nextStep("transient")}`, {
    cause: error,
  });
}

/** An answer whose Headers object is built only when read: most answers (2xx) never are. */
class Answer implements HttpAnswer {
  #raw: Record<string, string | string[] | undefined>;
  #headers: Headers | undefined;

  constructor(
    readonly status: number,
    raw: Record<string, string | string[] | undefined>,
    readonly text: string,
  ) {
    this.#raw = raw;
  }

  get headers(): Headers {
    this.#headers ??= toHeaders(this.#raw);
    return this.#headers;
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** The socket error's code (`ECONNREFUSED`), on the error itself or, as fetch wraps it, on its cause. */
function networkCode(error: unknown): string {
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === "string" && own !== "UND_ERR_ABORTED") return own;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Parses a JSON body, or undefined when it is not JSON. */
/**
 * The receipt of a 2xx JSON answer: the target's id for what it created (a JSON object's `id`),
 * and the parsed answer for a sync route's response mapping.
 */
export function jsonReceipt(status: number, text: string): DeliveryReceipt {
  const response = parseJson(text);
  const id = (response as { id?: unknown } | undefined)?.id;
  return typeof id === "string" || typeof id === "number" ? { status, targetId: String(id), response } : { status, response };
}

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
