import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { BrokerUnavailableError } from "../broker/broker-errors.js";
import { HttpError } from "../errors.js";
import type { NormalizedEvent } from "../events/normalize.js";
import { VerificationError } from "../verify/verifier.js";
import type { Metrics } from "../ops/metrics.js";
import type { AcceptedVia, EventSink } from "./event-sink.js";
import { readBody } from "./read-body.js";
import type { SourcePipeline } from "./source-pipeline.js";

export interface WebhookHandlerDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  readonly isShuttingDown: () => boolean;
  readonly sink: EventSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Told of every accepted event and where it went (the delivery log). */
  readonly onAccepted?: (sourceId: string, event: NormalizedEvent, via: AcceptedVia) => void;
  /** Told of every failed verification (metrics, burst alerts). */
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
}

/** Seconds a sender should wait before retrying when we cannot take events (503). */
const RETRY_AFTER_UNAVAILABLE = "5";

/**
 * `POST /webhooks/:sourceId[/:eventName]`: rate limit → read exact bytes → verify → parse and
 * normalize → hand to the sink → 202. In that order, in this one place: nothing is parsed before
 * it is verified, and nothing is acknowledged before it is safe.
 */
export function createWebhookHandler(deps: WebhookHandlerDeps): RequestHandler {
  const { pipelines, sink, logger, metrics, onVerificationFailure } = deps;

  return async (request: Request, response: Response) => {
    const started = performance.now();
    const sourceId = String(request.params.sourceId);
    let event: NormalizedEvent | undefined;
    try {
      const pipeline = pipelines.get(sourceId);
      if (!pipeline) throw new HttpError("unknown_source", `no source "${sourceId.slice(0, 64)}" is configured`);
      if (pipeline.rateLimit) await runMiddleware(pipeline.rateLimit, request, response);
      const rawBody = await readBody(request, pipeline.source.limits.body);
      verify(pipeline, rawBody, request);
      event = pipeline.normalize({
        rawBody,
        headers: request.headers,
        urlEventName: request.params.eventName === undefined ? undefined : String(request.params.eventName),
        receivedAt: new Date(),
      });
      const via = await accept(sink, event);
      answer(response, 202, JSON.stringify({ id: event.id }), deps.isShuttingDown());
      deps.onAccepted?.(sourceId, event, via);
      metrics.webhook(sourceId, 202, "accepted", elapsed(started) / 1000);
      logger.info(
        { source: sourceId, type: event.type, id: event.id, status: 202, via, ms: elapsed(started) },
        "webhook accepted",
      );
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError("internal", "internal error");
      if (failure.code === "unavailable") response.setHeader("Retry-After", RETRY_AFTER_UNAVAILABLE);
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
        ip: request.ip,
        ms: elapsed(started),
      };
      if (failure.code === "internal") logger.error({ ...line, err: error }, "webhook failed");
      else logger.warn({ ...line, message: failure.message }, "webhook rejected");
    }
  };
}

function verify(pipeline: SourcePipeline, rawBody: Buffer, request: Request): void {
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
    throw new HttpError("unavailable", "cannot take events right now; retry later", { broker: error.reason });
  }
}

/**
 * Writes the JSON answer straight to node:http: express's `res.json()` costs a few percent of the
 * request on this path (profile in bench/README.md) for features a 202 does not use.
 */
function answer(response: Response, status: number, body: string, closing: boolean): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", Buffer.byteLength(body));
  // While draining, tell keep-alive clients to reconnect elsewhere rather than reuse this socket.
  if (closing) response.setHeader("Connection", "close");
  response.end(body);
}

function runMiddleware(middleware: RequestHandler, request: Request, response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const next: NextFunction = (error?: unknown) => (error ? reject(error) : resolve());
    Promise.resolve(middleware(request, response, next)).catch(reject);
  });
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
