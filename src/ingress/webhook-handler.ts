import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { BrokerUnavailableError } from "../broker/broker-errors.js";
import { HttpError } from "../errors.js";
import type { NormalizedEvent } from "../events/normalize.js";
import { VerificationError } from "../verify/verifier.js";
import type { Metrics } from "../ops/metrics.js";
import type { AcceptedVia, EventSink } from "./event-sink.js";
import { readBody } from "./read-body.js";
import type { SourcePipeline } from "./source-pipeline.js";
import type { WebhookTarget } from "./webhook-path.js";

export interface WebhookHandlerDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  readonly isShuttingDown: () => boolean;
  readonly sink: EventSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The client's address (TRUST_PROXY applied): rate-limit key and log field. */
  readonly clientAddress: (request: IncomingMessage) => string;
  /** The rate limit's key for an address. */
  readonly clientKey: (address: string) => string;
  /** Told of every accepted event and where it went (the delivery log). */
  readonly onAccepted?: (sourceId: string, event: NormalizedEvent, via: AcceptedVia) => void;
  /** Told of every failed verification (metrics, burst alerts). */
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
}

export type WebhookHandler = (request: IncomingMessage, response: ServerResponse, target: WebhookTarget) => Promise<void>;

/** Seconds a sender should wait before retrying when we cannot take events (503). */
const RETRY_AFTER_UNAVAILABLE = 5;

/**
 * `POST /webhooks/:sourceId[/:eventName]`: rate limit → read exact bytes → verify → parse and
 * normalize → hand to the sink → 202. In that order, in this one place: nothing is parsed before
 * it is verified, and nothing is acknowledged before it is safe. Plain node:http request and
 * response: the hot path runs without express (see ingress/server.ts).
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
    try {
      const pipeline = pipelines.get(sourceId);
      if (!pipeline) throw new HttpError("unknown_source", `no source "${sourceId.slice(0, 64)}" is configured`);
      if (pipeline.rateLimit) await pipeline.rateLimit(deps.clientKey(deps.clientAddress(request)));
      const rawBody = await readBody(request, pipeline.source.limits.body);
      verify(pipeline, rawBody, request);
      event = pipeline.normalize({ rawBody, headers: request.headers, urlEventName: eventName, receivedAt: new Date() });
      const via = await accept(sink, event);
      answer(response, 202, `{"id":${JSON.stringify(event.id)}}`, deps.isShuttingDown());
      deps.onAccepted?.(sourceId, event, via);
      const ms = elapsed(started);
      metrics.webhook(sourceId, 202, "accepted", ms / 1000);
      // timeFallback is undefined (and so left out of the line) unless the sender's time was unusable.
      acceptedLog.info({ source: sourceId, type: event.type, id: event.id, status: 202, via, ms, timeFallback: event.timeFallback }, "webhook accepted");
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError("internal", "internal error");
      if (failure.retryAfterSeconds !== undefined) response.setHeader("Retry-After", String(failure.retryAfterSeconds));
      if (!response.headersSent) answer(response, failure.status, JSON.stringify(failure.toBody()), deps.isShuttingDown());
      // Only configured sources become label values: a scan of random URLs cannot grow the series.
      const label = pipelines.has(sourceId) ? sourceId : "unknown";
      metrics.webhook(label, failure.status, failure.code, elapsed(started) / 1000);
      if (typeof failure.detail?.verification === "string") onVerificationFailure(label, failure.detail.verification);
      const line = {
        source: sourceId,
        ...(event ? { type: event.type, id: event.id } : {}),
        status: failure.status,
        reason: failure.code,
        ...failure.detail,
        ip: deps.clientAddress(request),
        ms: elapsed(started),
      };
      if (failure.code === "internal") logger.error({ ...line, err: error }, "webhook failed");
      else logger.warn({ ...line, message: failure.message }, "webhook rejected");
    }
  };
}

function verify(pipeline: SourcePipeline, rawBody: Buffer, request: IncomingMessage): void {
  try {
    pipeline.verifier.verify({ rawBody, headers: request.headers }, Date.now());
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    throw new HttpError("invalid_signature", error.message, { verification: error.reason });
  }
}

async function accept(sink: EventSink, event: NormalizedEvent): Promise<AcceptedVia> {
  try {
    return await sink.accept(event);
  } catch (error) {
    if (!(error instanceof BrokerUnavailableError)) throw error;
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
