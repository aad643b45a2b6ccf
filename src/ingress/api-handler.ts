import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { runAsyncCall } from "./async-call.js";
import { HttpError } from "./http-error.js";
import type { IngressMetrics } from "./ingress-metrics.js";
import type { ApiCallStatus } from "../contracts/sync-call.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { admitBody, readBody } from "./read-body.js";
import { API_EVENT_NAME, CALL_ID_HEADER } from "./source-pipeline.js";
import { callId, idempotencyKeyOf, runSyncCall, type CallAnswer, type SyncCallDeps } from "./sync-call.js";
import type { Reservation, UnverifiedBudget } from "./unverified-budget.js";
import { refusalOf, type Refusal, type WebhookCore } from "./webhook-core.js";

export interface ApiHandlerDeps extends SyncCallDeps {
  /** The webhook core over the API endpoints' pipelines: admit, then verify, normalize, request schema. */
  readonly core: WebhookCore;
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  readonly clientAddress: (request: IncomingMessage) => string;
  readonly budget: UnverifiedBudget;
  readonly requestTimeoutMs: number;
  readonly reading: WeakSet<IncomingMessage>;
  readonly isShuttingDown: () => boolean;
  /** Every call answered, or refused for its request schema: how it ended (the delivery log's receipt). */
  readonly onApiCall?: ((endpointId: string, event: NormalizedEvent, call: ApiCallStatus, routeId: string) => void) | undefined;
}

export type ApiHandler = (request: IncomingMessage, response: ServerResponse, endpointId: string) => Promise<void>;

/**
 * `POST /api/{endpointId}`: a synchronous call. Admitted, read, verified, normalized and checked
 * against the request schema exactly as a webhook is (the same core); then, instead of a 202, the
 * call runs through its sync route and the caller gets the route's answer (ingress/sync-call.ts) —
 * or, for an `async` endpoint, `202 {id}` and the answer later at its callback (ingress/async-call.ts).
 */
export function createApiHandler(deps: ApiHandlerDeps): ApiHandler {
  const { core, logger, metrics } = deps;
  return async (request, response, endpointId) => {
    const started = performance.now();
    const ip = deps.clientAddress(request);
    let reservation: Reservation | undefined;
    let outcome: CallAnswer | Refusal;
    let id: string | undefined;
    let call: { readonly event: NormalizedEvent; readonly routeId: string } | undefined;
    try {
      outcome = await handle();
    } catch (error) {
      outcome = refusalOf(error);
    }
    reservation?.release();
    deps.reading.delete(request);
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const closing = deps.isShuttingDown() || (!outcome.ok && !request.complete);
    if (outcome.ok) {
      if (outcome.replayed) response.setHeader("Idempotent-Replayed", "true");
      answer(response, outcome.status, outcome.body, id, closing);
      const ended = CALL_STATUS[outcome.reason];
      if (call && ended) deps.onApiCall?.(endpointId, call.event, ended, call.routeId);
      metrics.webhook(endpointId, outcome.status, outcome.reason, ms / 1000);
      const line = { source: endpointId, id, status: outcome.status, reason: outcome.reason, ip, ms };
      if (outcome.status >= 500) logger.warn(line, "api call failed");
      else logger.info(line, "api call answered");
      return;
    }
    const { error: failure, event } = outcome;
    if (failure.retryAfterSeconds !== undefined) response.setHeader("Retry-After", String(failure.retryAfterSeconds));
    if (!response.headersSent) answer(response, failure.status, JSON.stringify(failure.toBody()), event?.id, closing);
    const label = failure.code === "unknown_endpoint" ? "unknown" : endpointId;
    metrics.webhook(label, failure.status, failure.code, ms / 1000);
    if (call && failure.code === "schema_violation") deps.onApiCall?.(endpointId, call.event, "rejected", call.routeId);
    const line = { source: endpointId, ...(event ? { id: event.id } : {}), status: failure.status, ...failure.detail, reason: failure.code, ip, ms };
    if (failure.code === "internal") logger.error({ ...line, err: outcome.cause }, "api call failed");
    else logger.warn({ ...line, message: failure.message }, "api call refused");

    async function handle(): Promise<CallAnswer | Refusal> {
      const admitted = await core.admit(endpointId, request.headers, ip);
      if (!admitted.ok) {
        return admitted.error.code === "unknown_source"
          ? { ...admitted, error: new HttpError("unknown_endpoint", `no API endpoint "${endpointId.slice(0, 64)}" is configured`) }
          : admitted;
      }
      const api = admitted.pipeline.source.api;
      if (!api) throw new Error(`source ${endpointId} is not an API endpoint`);
      const key = idempotencyKeyOf(request.headers["idempotency-key"]);
      if (key instanceof HttpError) return { ok: false, error: key, event: undefined, cause: undefined };
      if (key !== undefined && !deps.idempotency && api.mode === "sync") {
        return { ok: false, error: new HttpError("internal", "Idempotency-Key needs the state store"), event: undefined, cause: undefined };
      }
      reservation = deps.budget.open();
      const limit = admitted.bodyLimit;
      const declared = admitBody(request, limit, reservation);
      deps.reading.add(request);
      const timeoutMs = deps.requestTimeoutMs - (performance.now() - started);
      const rawBody = await readBody(request, { limit, declared, reservation, timeoutMs });
      deps.reading.delete(request);
      id = callId(endpointId, key);
      // The id header is set on a copy, after the caller's: a caller cannot choose its call's id.
      const headers = { ...request.headers, [CALL_ID_HEADER]: id };
      const prepared = core.prepare(admitted, { rawBody, headers, urlEventName: API_EVENT_NAME, receivedAt: new Date() }, reservation);
      if (prepared.event) call = { event: prepared.event, routeId: api.route };
      if (!prepared.ok) return prepared;
      // Asynchronous: an Idempotency-Key needs no store, its fixed event id is the claim's dedup key.
      if (api.mode === "async") return runAsyncCall(deps.caller, api, prepared.event, request.headers);
      return runSyncCall(deps, endpointId, api, prepared.event, key);
    }
  };
}

/** What the delivery log records of each way a call is answered (sync-call.ts, async-call.ts); none for a refusal. */
const CALL_STATUS: Readonly<Record<string, ApiCallStatus>> = {
  accepted: "accepted",
  answered: "answered",
  destination: "answered",
  replayed: "answered",
  deadline_exceeded: "timed-out",
};

function answer(response: ServerResponse, status: number, body: string, id: string | undefined, closing: boolean): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", Buffer.byteLength(body));
  if (id !== undefined) response.setHeader("X-Event-Id", id);
  if (closing) response.setHeader("Connection", "close");
  response.end(body);
}
