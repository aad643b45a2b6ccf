import type { CloudEvent } from "../events/cloud-event.js";
import type { CompiledRoute } from "./compile-route.js";
import { BAIL, type FastExpression } from "./fast-expression.js";
import { plainCopy } from "./plain-copy.js";

/** The filter or mapping failed on this event: the event cannot be fixed by retrying. */
export class MappingError extends Error {
  override readonly name = "MappingError";
}

export type RouteResult = { readonly filtered: true } | { readonly filtered: false; readonly payload: unknown };

/**
 * Runs filter then mapping over one event. The event is the expression's input (`data.orderId`,
 * `type`, `subject`…) and each enrichment result is bound as a variable (`$order.lines`).
 * Shared by the worker and by `webhook-router check`, so examples test exactly what runs.
 */
export async function applyRoute(
  compiled: CompiledRoute,
  event: CloudEvent,
  enrichment: Readonly<Record<string, unknown>>,
): Promise<RouteResult> {
  if (compiled.filter) {
    let keep = runFast(compiled.fast.filter, event, enrichment);
    if (keep === BAIL) keep = await evaluate(compiled.filter, "filter", event, enrichment);
    // JSONata yields undefined for a path that is absent: such an event does not match.
    if (!keep) return { filtered: true };
  }
  let payload = runFast(compiled.fast.mapping, event, enrichment);
  if (payload === BAIL) payload = await evaluate(compiled.mapping, "mapping", event, enrichment);
  if (payload === undefined) throw new MappingError("the mapping produced nothing (undefined) for this event");
  // JSONata marks its arrays with extra properties (`sequence`, `keepSingleton`); the adapters and
  // the examples compare against plain data, as a JSON round trip leaves it.
  return { filtered: false, payload: plainCopy(payload) };
}

/** The synchronous evaluator when the expression has one; BAIL sends the event to jsonata. */
function runFast(fast: FastExpression | undefined, event: CloudEvent, enrichment: Readonly<Record<string, unknown>>): unknown {
  return fast ? fast(event, enrichment) : BAIL;
}

async function evaluate(
  expression: CompiledRoute["mapping"],
  what: "filter" | "mapping",
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
