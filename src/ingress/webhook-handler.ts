import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { EventError } from "../events/event-error.js";
import type { ReceivedRequest } from "../events/normalize.js";
import { HttpError } from "./http-error.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { VerificationError } from "../verify/verifier.js";
import type { IngressMetrics } from "./ingress-metrics.js";
import { type AcceptedVia, type EventSink, SinkUnavailableError } from "../contracts/event-sink.js";
import { admitBody, readBody } from "./read-body.js";
import type { SourcePipeline } from "./source-pipeline.js";
import { SMALL_BODY, type Reservation, type UnverifiedBudget } from "./unverified-budget.js";
import type { WebhookTarget } from "./webhook-path.js";

export interface WebhookHandlerDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  readonly isShuttingDown: () => boolean;
  readonly sink: EventSink;
  readonly logger: Logger;
  readonly metrics: IngressMetrics;
  /** The client's address (TRUST_PROXY applied): rate-limit key and log field. */
  readonly clientAddress: (request: IncomingMessage) => string;
  /** The rate limit's key for an address. */
  readonly clientKey: (address: string) => string;
  /** Told of every accepted event and where it went (the delivery log). */
  readonly onAccepted?: (sourceId: string, event: NormalizedEvent, via: AcceptedVia) => void;
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

/** Seconds a sender should wait before retrying when the broker and spool cannot take events (503). */
const RETRY_AFTER_UNAVAILABLE = 5;

/**
 * `POST /webhooks/:sourceId[/:eventName]`: source → rate limit → what the headers alone can
 * refuse (encoding, declared size, the signature header's presence and shape, room in the
 * unverified-bytes budget) → read exact bytes → verify → parse and normalize → hand to the sink →
 * 202. In that order, in this one place: nothing is read that the headers already condemn, nothing
 * is parsed before it is verified, and nothing is acknowledged before it is safe. Plain node:http
 * request and response: the hot path runs without express (see ingress/server.ts).
 */
export function createWebhookHandler(deps: WebhookHandlerDeps): WebhookHandler {
  const { pipelines, sink, logger, metrics, onVerificationFailure } = deps;
  // The accepted line is six scalars built right here, so there is nothing to redact in it; the
  // root logger's wildcard redaction paths (ops/logger.ts) cost more than the rest of the line
  // (~8 of ~14 µs). Rejections and errors, which carry error details, keep the full redaction.
  const acceptedLog = logger.child({}, { redact: { paths: [] } });

  return async (request, response, { sourceId, eventName }) => {
    const started = performance.now();
    let event: NormalizedEvent | undefined;
    let reservation: Reservation | undefined;
    let bodyRead = false;
    try {
      const pipeline = pipelines.get(sourceId);
      if (!pipeline) throw new HttpError("unknown_source", `no source "${sourceId.slice(0, 64)}" is configured`);
      if (pipeline.rateLimit) await pipeline.rateLimit(deps.clientKey(deps.clientAddress(request)));
      precheck(pipeline, request);
      reservation = deps.budget.open();
      const limit = pipeline.source.limits.body;
      const declared = admitBody(request, limit, reservation);
      bodyRead = true;
      deps.reading.add(request);
      const timeoutMs = deps.requestTimeoutMs - (performance.now() - started);
      const rawBody = await readBody(request, { limit, declared, reservation, timeoutMs });
      deps.reading.delete(request);
      try {
        verify(pipeline, rawBody, request);
      } finally {
        reservation.release();
      }
      event = normalize(pipeline, { rawBody, headers: request.headers, urlEventName: eventName, receivedAt: new Date() });
      const via = await accept(sink, event);
      answer(response, 202, `{"id":${JSON.stringify(event.id)}}`, deps.isShuttingDown());
      deps.onAccepted?.(sourceId, event, via);
      const ms = elapsed(started);
      metrics.webhook(sourceId, 202, "accepted", ms / 1000);
      // timeFallback is undefined (and so left out of the line) unless the sender's time was unusable.
      acceptedLog.info(
        { source: sourceId, type: event.type, id: event.id, status: 202, via, ms, timeFallback: event.timeFallback },
        "webhook accepted",
      );
    } catch (error) {
      reservation?.release();
      deps.reading.delete(request);
      const failure = error instanceof HttpError ? error : new HttpError("internal", "internal error");
      const reason = reasonOf(failure);
      if (failure.retryAfterSeconds !== undefined) response.setHeader("Retry-After", String(failure.retryAfterSeconds));
      if (!response.headersSent) {
        answer(response, failure.status, JSON.stringify(failure.toBody()), deps.isShuttingDown() || closesAfterRefusal(request, bodyRead));
      }
      // Only configured sources become label values: a scan of random URLs cannot grow the series.
      const label = pipelines.has(sourceId) ? sourceId : "unknown";
      metrics.webhook(label, failure.status, reason, elapsed(started) / 1000);
      if (typeof failure.detail?.verification === "string") onVerificationFailure(label, failure.detail.verification);
      const line = {
        source: sourceId,
        ...(event ? { type: event.type, id: event.id } : {}),
        status: failure.status,
        ...failure.detail,
        reason,
        ip: deps.clientAddress(request),
        ms: elapsed(started),
      };
      if (failure.code === "internal") logger.error({ ...line, err: error }, "webhook failed");
      else logger.warn({ ...line, message: failure.message }, "webhook rejected");
    }
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

/** What the headers alone say is wrong with the signature: refused before reading the body. */
function precheck(pipeline: SourcePipeline, request: IncomingMessage): void {
  try {
    pipeline.verifier.precheck(request.headers);
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    throw new HttpError("invalid_signature", error.message, { verification: error.reason });
  }
}

function verify(pipeline: SourcePipeline, rawBody: Buffer, request: IncomingMessage): void {
  try {
    pipeline.verifier.verify({ rawBody, headers: request.headers }, Date.now());
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    throw new HttpError("invalid_signature", error.message, { verification: error.reason });
  }
}

function normalize(pipeline: SourcePipeline, request: ReceivedRequest): NormalizedEvent {
  try {
    return pipeline.normalize(request);
  } catch (error) {
    if (!(error instanceof EventError)) throw error;
    throw new HttpError(error.code, error.message);
  }
}

async function accept(sink: EventSink, event: NormalizedEvent): Promise<AcceptedVia> {
  try {
    return await sink.accept(event);
  } catch (error) {
    if (!(error instanceof SinkUnavailableError)) throw error;
    throw new HttpError("unavailable", "cannot take events right now; retry later", { broker: error.reason }, RETRY_AFTER_UNAVAILABLE);
  }
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
