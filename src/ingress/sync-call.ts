import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { SinkUnavailableError } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { IdempotencyStore, SyncAnswered, SyncCaller } from "../contracts/sync-call.js";
import type { ApiEndpointConfig } from "../config/source-schema.js";
import { HttpError } from "./http-error.js";
import { unavailable, type Refusal } from "./webhook-core.js";

/** What the caller gets: a status, a JSON body, and whether it is a stored answer given again. */
export interface CallAnswer {
  readonly ok: true;
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
  /** How the answer came about, for the log line and metrics. */
  readonly reason: string;
}

export interface SyncCallDeps {
  readonly caller: SyncCaller;
  /** Absent: `Idempotency-Key` is refused (no state store in this process). */
  readonly idempotency: IdempotencyStore | undefined;
  readonly logger: Logger;
}

const MAX_KEY = 255;

/** The call's event id: from the Idempotency-Key (the same key, the same id: never run twice), else unique. */
export function callId(endpointId: string, key: string | undefined): string {
  return key === undefined ? randomUUID() : createHash("sha256").update(`${endpointId}\n${key}`).digest("hex");
}

/** The `Idempotency-Key` header: undefined when absent; a refusal when unusable. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined | HttpError {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || key.length > MAX_KEY) return new HttpError("invalid_idempotency_key", `an Idempotency-Key is 1 to ${MAX_KEY} characters`);
  return key;
}

/**
 * Runs one verified call: the stored answer for a repeated Idempotency-Key (`409 in_progress` while
 * the first still runs), else the call through its route and its answer — or, past the endpoint's
 * deadline, `504` with the event id while the work goes on (its late answer is logged, and kept
 * for the key).
 */
export async function runSyncCall(
  deps: SyncCallDeps,
  endpointId: string,
  api: ApiEndpointConfig,
  event: NormalizedEvent,
  key: string | undefined,
): Promise<CallAnswer | Refusal> {
  const { idempotency } = deps;
  if (key !== undefined && idempotency) {
    // A call whose answer never comes frees its key after the deadline and the late wait.
    const entry = await idempotency.begin(endpointId, key, api.deadline + lateWaitMs(api));
    if (entry.kind === "done") return { ok: true, status: entry.status, body: entry.body, replayed: true, reason: "replayed" };
    if (entry.kind === "pending") return refused(new HttpError("in_progress", "a call with this Idempotency-Key is still running"), event);
  }
  const keep = (answer: SyncAnswered) =>
    key !== undefined && idempotency
      ? idempotency.finish(endpointId, key, answer.status, answer.body, api.idempotencyWindow).catch((error: unknown) => {
          deps.logger.warn({ source: endpointId, id: event.id, err: (error as Error).message }, "could not keep the answer for its Idempotency-Key");
        })
      : undefined;
  let reply: Awaited<ReturnType<SyncCaller["call"]>>;
  try {
    reply = await deps.caller.call(api.route, event, api.deadline);
  } catch (error) {
    if (key !== undefined) await idempotency?.abandon(endpointId, key).catch(() => {});
    return error instanceof SinkUnavailableError ? unavailable(error, event) : refused(new HttpError("internal", "internal error"), event, error);
  }
  if (reply.kind === "answer") {
    await keep(reply);
    return { ok: true, status: reply.status, body: reply.body, replayed: false, reason: reply.status < 400 ? "answered" : "destination" };
  }
  void reply.late.then((late) => {
    if (!late) return deps.logger.warn({ source: endpointId, id: event.id }, "sync call never answered after its deadline");
    deps.logger.info({ source: endpointId, id: event.id, status: late.status }, "sync call answered after its deadline");
    return keep(late);
  });
  const body = {
    error: "deadline_exceeded",
    message: `no answer within ${api.deadline} ms; the call still runs, once`,
    id: event.id,
  };
  return { ok: true, status: 504, body: JSON.stringify(body), replayed: false, reason: "deadline_exceeded" };
}

/** How long after the deadline a late answer is awaited: as long again, at least a minute. */
export function lateWaitMs(api: ApiEndpointConfig): number {
  return Math.max(60_000, api.deadline);
}

function refused(error: HttpError, event: NormalizedEvent, cause?: unknown): Refusal {
  return { ok: false, error, event, cause };
}
