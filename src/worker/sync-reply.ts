import type { CloudEvent } from "../contracts/cloud-event.js";
import type { IngressErrorCode } from "../contracts/ingress-errors.js";
import type { Outcome } from "../contracts/outcome.js";
import type { ResponseMapping } from "../mapping/response-mapping.js";

/** What a sync route's caller gets: an HTTP status and a JSON body. */
export interface SyncAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * The caller's answer from one attempt's outcome (the README's "Synchronous API endpoints"):
 * delivered → 200 with the mapped answer; the destination's 409 → 409 and another 4xx → 422, each
 * with the destination's message; no answer in time → 504; anything else from the destination
 * (5xx, unreachable, credentials) or an answer the response mapping or schema refuses → 502.
 * Undefined for `busy`: the event waits in the route's queue, and its copy answers when it runs.
 */
export async function syncAnswer(
  outcome: Outcome,
  event: CloudEvent | undefined,
  response: ResponseMapping | undefined,
): Promise<SyncAnswer | undefined> {
  switch (outcome.kind) {
    case "busy":
      return undefined;
    case "delivered":
      if (!event || !response) return { status: 200, body: JSON.stringify(outcome.receipt.response ?? null) };
      try {
        return { status: 200, body: JSON.stringify(await response.answer(outcome.receipt.response, outcome.receipt.status, event)) };
      } catch (error) {
        return failure("destination_failed", 502, (error as Error).message);
      }
    case "duplicate":
      return failure("already_processed", 409, "this call was already run; its answer is no longer kept");
    case "filtered":
      return failure("destination_rejected", 422, `the route's ${outcome.stage} did not run this call`);
    case "echo":
      return failure("destination_rejected", 422, `the route did not run this call: it is an echo (${outcome.rule})`);
    case "retry":
    case "dead":
      return failedAnswer(outcome);
  }
}

/** 4xx that say nothing about the call itself: our credentials, or the destination's own time and load. */
const NOT_THE_CALLERS = new Set([401, 403, 408, 425, 429]);

function failedAnswer(outcome: Extract<Outcome, { kind: "retry" | "dead" }>): SyncAnswer {
  const status = outcome.status;
  const message = destinationMessage(outcome.error);
  if (outcome.kind === "dead" && outcome.reason === "poison") return failure("internal", 500, "the call's message could not be read");
  if (outcome.kind === "dead" && outcome.reason === "mapping")
    return failure("destination_failed", 502, `the route could not map this call: ${message}`);
  if (status === 409) return failure("destination_conflict", 409, message);
  if (status !== undefined && status >= 400 && status < 500 && !NOT_THE_CALLERS.has(status)) {
    return failure("destination_rejected", 422, message);
  }
  if (status === undefined && /no answer within|aborted/.test(outcome.error)) return failure("destination_timeout", 504, message);
  return failure("destination_failed", 502, message);
}

/** The destination's own words where an answer carried them (`… answered 404: <these> — permanent, …`), else the whole error. */
function destinationMessage(error: string): string {
  const answered = / answered \d{3}[^:]*: ([\s\S]*) — (?:transient|permanent|credentials), /.exec(error);
  return answered?.[1] ?? error.replace(/ — (?:transient|permanent|credentials), [\s\S]*$/, "");
}

function failure(code: IngressErrorCode, status: number, message: string): SyncAnswer {
  return { status, body: JSON.stringify({ error: code, message }) };
}
