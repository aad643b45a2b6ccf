import type { CloudEvent } from "../contracts/cloud-event.js";
import type { CompiledRoute } from "./compile-route.js";
import { BAIL, type FastExpression } from "./fast-expression.js";
import { plainCopy } from "./plain-copy.js";

/** The filter or mapping failed on this event: the event cannot be fixed by retrying. */
export class MappingError extends Error {
  override readonly name = "MappingError";
}

/** After enrichment: `when` dropped the event, or the mapping's payload. */
export type RouteResult = { readonly filtered: "when" } | { readonly filtered: false; readonly payload: unknown };

const NO_ENRICHMENT: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The route's `filter` over the event alone, run before any enrichment: an event it rejects
 * costs no call. JSONata yields undefined for a path that is absent: such an event does not pass.
 */
export async function passesFilter(compiled: CompiledRoute, event: CloudEvent): Promise<boolean> {
  if (!compiled.filter) return true;
  let keep = runFast(compiled.fast.filter, event, NO_ENRICHMENT);
  if (keep === BAIL) keep = await evaluate(compiled.filter, "filter", event, NO_ENRICHMENT);
  return Boolean(keep);
}

/**
 * Runs `when` then the mapping over one event that passed the filter. The event is the
 * expression's input (`data.orderId`, `type`, `subject`…) and each enrichment result is bound as
 * a variable (`$order.lines`). Shared by the worker and by `webhook-router check` (with
 * passesFilter), so examples test exactly what runs.
 */
export async function applyRoute(compiled: CompiledRoute, event: CloudEvent, enrichment: Readonly<Record<string, unknown>>): Promise<RouteResult> {
  if (compiled.when) {
    let keep = runFast(compiled.fast.when, event, enrichment);
    if (keep === BAIL) keep = await evaluate(compiled.when, "when", event, enrichment);
    if (!keep) return { filtered: "when" };
  }
  let payload: unknown;
  if (compiled.identity) {
    payload = event.data;
  } else {
    payload = runFast(compiled.fast.mapping, event, enrichment);
    if (payload === BAIL) payload = await evaluate(compiled.mapping, "mapping", event, enrichment);
  }
  if (payload === undefined) throw new MappingError("the mapping produced nothing (undefined) for this event");
  // JSONata marks its arrays with extra properties (`sequence`, `keepSingleton`); the adapters and
  // the examples compare against plain data, as a JSON round trip leaves it.
  return { filtered: false, payload: detachedCopy(payload) };
}

/** plainCopy, whose failures are this event's: above all a payload nested too deeply to copy. */
function detachedCopy(payload: unknown): unknown {
  try {
    return plainCopy(payload);
  } catch (error) {
    // A stack overflow (thousands of levels) fails the same way on every attempt.
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError) throw new MappingError(`the mapped payload is nested too deeply to copy (${message})`);
    throw new MappingError(`the mapped payload cannot be written as JSON: ${message}`);
  }
}

/** The synchronous evaluator when the expression has one; BAIL sends the event to jsonata. */
function runFast(fast: FastExpression | undefined, event: CloudEvent, enrichment: Readonly<Record<string, unknown>>): unknown {
  return fast ? fast(event, enrichment) : BAIL;
}

async function evaluate(
  expression: CompiledRoute["mapping"],
  what: "filter" | "when" | "mapping",
  event: CloudEvent,
  enrichment: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  try {
    return await expression.evaluate(event, { ...enrichment });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new MappingError(`${what} failed${code ? ` (${code})` : ""}: ${message}`);
  }
}
