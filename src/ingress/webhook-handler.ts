import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { AcceptedVia } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { HttpError } from "./http-error.js";
import type { IngressMetrics } from "./ingress-metrics.js";
import { admitBody, readBody } from "./read-body.js";
import { SMALL_BODY, type Reservation, type UnverifiedBudget } from "./unverified-budget.js";
import { type Accepted, type Refusal, refusalOf, type WebhookCore } from "./webhook-core.js";
import type { WebhookTarget } from "./webhook-path.js";

export interface WebhookHandlerDeps {
  /** What a webhook means: admitted from its headers, then verified, normalized and accepted. */
  readonly core: WebhookCore;
  /** The configured source ids: only these become metric labels. */
  readonly sources: { has(id: string): boolean };
  readonly isShuttingDown: () => boolean;
  readonly logger: Logger;
  readonly metrics: IngressMetrics;
  /** The client's address (TRUST_PROXY applied): rate-limit key and log field. */
  readonly clientAddress: (request: IncomingMessage) => string;
  /** Told of every accepted event and where it went (the delivery log). */
  readonly onAccepted?: (sourceId: string, event: NormalizedEvent, via: AcceptedVia) => void;
  /** Told of every event refused for its request schema (`422`): the delivery log's rejected receipt. */
  readonly onSchemaRejected?: (sourceId: string, event: NormalizedEvent) => void;
  /** Told of every failed verification (metrics, burst alerts). */
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
  /** Bytes read but not yet verified, all requests together (UNVERIFIED_BYTES_MAX). */
  readonly budget: UnverifiedBudget;
  /** REQUEST_TIMEOUT_MS: how long a request may take to arrive in full. */
  readonly requestTimeoutMs: number;
  /** Requests whose body this handler is reading: their timeout is its to answer (server.ts). */
  readonly reading: WeakSet<IncomingMessage>;
}

export type WebhookHandler = (request: IncomingMessage, response: ServerResponse, target: WebhookTarget) => Promise<void>;

/**
 * `POST /webhooks/:sourceId[/:eventName]` over node:http (express's requests are node:http's too:
 * ingress/app.ts passes unusual spellings of the URL here). The webhook core admits the request
 * from its headers (source, rate limit, signature header); then this reads the exact bytes, unless
 * the headers already condemn them (encoding, declared size, room in the unverified-bytes budget);
 * the core verifies, normalizes and hands the event to the sink; this answers, logs and counts.
 * Nothing is read that the headers already condemn, nothing is parsed before it is verified, and
 * nothing is acknowledged before it is safe. The hot path runs without express (ingress/server.ts).
 */
export function createWebhookHandler(deps: WebhookHandlerDeps): WebhookHandler {
  const { core, logger, metrics } = deps;
  // The accepted line is six scalars built right here, so there is nothing to redact in it; the
  // root logger's wildcard redaction paths (ops/logger.ts) cost more than the rest of the line
  // (~8 of ~14 µs). Rejections and errors, which carry error details, keep the full redaction.
  const acceptedLog = logger.child({}, { redact: { paths: [] } });

  function answerAccepted(response: ServerResponse, sourceId: string, { id, event, via }: Accepted, started: number): void {
    answer(response, 202, `{"id":${JSON.stringify(id)}}`, deps.isShuttingDown());
    deps.onAccepted?.(sourceId, event, via);
    const ms = elapsed(started);
    metrics.webhook(sourceId, 202, "accepted", ms / 1000);
    // timeFallback is undefined (and so left out of the line) unless the sender's time was unusable.
    acceptedLog.info({ source: sourceId, type: event.type, id, status: 202, via, ms, timeFallback: event.timeFallback }, "webhook accepted");
  }

  return async (request, response, { sourceId, eventName }) => {
    const started = performance.now();
    const ip = deps.clientAddress(request);
    let reservation: Reservation | undefined;
    let bodyRead = false;
    let accepted: Accepted | undefined;
    let refused: Refusal;
    try {
      const admitted = await core.admit(sourceId, request.headers, ip);
      if (admitted.ok) {
        reservation = deps.budget.open();
        const limit = admitted.bodyLimit;
        const declared = admitBody(request, limit, reservation);
        bodyRead = true;
        deps.reading.add(request);
        const timeoutMs = deps.requestTimeoutMs - (performance.now() - started);
        const rawBody = await readBody(request, { limit, declared, reservation, timeoutMs });
        deps.reading.delete(request);
        // The core releases the reservation as soon as the bytes are verified (or not).
        const received = { rawBody, headers: request.headers, urlEventName: eventName, receivedAt: new Date() };
        const outcome = await core.receive(admitted, received, reservation);
        if (outcome.ok) {
          accepted = outcome;
          answerAccepted(response, sourceId, outcome, started);
          return;
        }
        refused = outcome;
      } else refused = admitted;
    } catch (error) {
      // The body's own refusals (read-body.ts), or a failure answering an accepted event.
      refused = refusalOf(error, accepted?.event);
    }
    reservation?.release();
    deps.reading.delete(request);
    const { error: failure, event } = refused;
    const reason = reasonOf(failure);
    if (failure.retryAfterSeconds !== undefined) response.setHeader("Retry-After", String(failure.retryAfterSeconds));
    if (!response.headersSent) {
      answer(response, failure.status, JSON.stringify(failure.toBody()), deps.isShuttingDown() || closesAfterRefusal(request, bodyRead));
    }
    // Only configured sources become label values: a scan of random URLs cannot grow the series.
    const label = deps.sources.has(sourceId) ? sourceId : "unknown";
    metrics.webhook(label, failure.status, reason, elapsed(started) / 1000);
    if (typeof failure.detail?.verification === "string") deps.onVerificationFailure(label, failure.detail.verification);
    if (failure.code === "schema_violation" && event) deps.onSchemaRejected?.(label, event);
    const line = {
      source: sourceId,
      ...(event ? { type: event.type, id: event.id } : {}),
      status: failure.status,
      ...failure.detail,
      reason,
      ip,
      ms: elapsed(started),
    };
    if (failure.code === "internal") logger.error({ ...line, err: refused.cause }, "webhook failed");
    else logger.warn({ ...line, message: failure.message }, "webhook rejected");
  };
}

/**
 * The log and metric reason of a refusal: its code, or a finer word where one code covers several
 * causes (a 503 is `unavailable` to the sender whether the broker is down or the budget is full).
 */
function reasonOf(failure: HttpError): string {
  const refined = failure.detail?.reason;
  return typeof refined === "string" ? refined : failure.code;
}

/**
 * Whether a refusal must close the connection: when the body is still arriving and will not be
 * read. Node discards an unread body after the answer to keep the connection, which costs nothing
 * for a small one (the client then reads a clean answer, not a reset); a large or unknown-length
 * one, or one we stopped reading midway, would go on being received for nothing, so the answer says
 * `Connection: close` and node closes the socket once it is sent.
 */
function closesAfterRefusal(request: IncomingMessage, bodyRead: boolean): boolean {
  if (request.complete) return false;
  if (bodyRead) return true;
  const declared = request.headers["content-length"];
  return declared === undefined || Number(declared) > SMALL_BODY;
}

/** Writes the JSON answer in one go: status, two headers and the body. */
function answer(response: ServerResponse, status: number, body: string, closing: boolean): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", Buffer.byteLength(body));
  // While draining, tell keep-alive clients to reconnect elsewhere rather than reuse this socket.
  if (closing) response.setHeader("Connection", "close");
  response.end(body);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
