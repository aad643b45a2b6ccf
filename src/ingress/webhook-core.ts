import { type AcceptedVia, type EventSink, SinkUnavailableError } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { EventError } from "../events/event-error.js";
import type { ReceivedRequest } from "../events/normalize.js";
import { VerificationError } from "../verify/verifier.js";
import { bodySchemaRefusal } from "./body-schema.js";
import { HttpError } from "./http-error.js";
import type { SourcePipeline } from "./source-pipeline.js";

/** Seconds a sender should wait before retrying when the broker and spool cannot take events (503). */
export const RETRY_AFTER_UNAVAILABLE = 5;

/** A source whose request the headers alone do not condemn: its body may be read, up to `bodyLimit` bytes. */
export interface Admitted {
  readonly ok: true;
  readonly sourceId: string;
  /** The source's body limit (bytes): the transport reads no more. */
  readonly bodyLimit: number;
  readonly pipeline: SourcePipeline;
}

/** The event is safe (confirmed by the broker, or spooled): answer 202 with its id. */
export interface Accepted {
  readonly ok: true;
  readonly id: string;
  readonly event: NormalizedEvent;
  readonly via: AcceptedVia;
}

/** The answer is an HttpError: its code, status, message, log detail and Retry-After. */
export interface Refusal {
  readonly ok: false;
  readonly error: HttpError;
  /** The event, when the request got as far as becoming one (the sink refused it). */
  readonly event: NormalizedEvent | undefined;
  /** What was thrown, when the refusal is `internal`: for the log line, never the answer. */
  readonly cause: unknown;
}

/** Holds a body's bytes until it is verified (the transport's unverified-bytes budget). */
export interface Unverified {
  release(): void;
}

export interface WebhookCoreDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  readonly sink: EventSink;
  /** The rate limit's key for a client address. */
  readonly clientKey: (address: string) => string;
}

/**
 * The webhook's meaning with no transport in it (octokit/webhooks.js's verify/receive split):
 * request facts in, an Admitted, Accepted or Refusal out — never a throw. Two steps, because
 * a hostile client must be refusable from its headers before a byte of its body is read:
 * - `admit`: the source is known, the client within its rate limit, the signature header present
 *   and well formed — in that order.
 * - `receive`: the exact bytes are verified (then `unverified` is released at once), parsed and
 *   normalized, checked against the source's request schema where it has one (`422`), and handed
 *   to the sink; the result says where the event went or why not.
 * Between them the transport reads the body (limits, budget, timeouts); around them it writes the
 * answer, logs and counts (ingress/webhook-handler.ts).
 */
export interface WebhookCore {
  admit(sourceId: string, headers: ReceivedRequest["headers"], clientAddress: string): Promise<Admitted | Refusal>;
  receive(admitted: Admitted, request: ReceivedRequest, unverified: Unverified): Promise<Accepted | Refusal>;
  /** `receive` without the sink: verified, normalized and checked against the request schema (API endpoints). */
  prepare(admitted: Admitted, request: ReceivedRequest, unverified: Unverified): Prepared | Refusal;
}

/** A verified, normalized request whose body matches its schema: ready to hand on. */
export interface Prepared {
  readonly ok: true;
  readonly event: NormalizedEvent;
}

export function createWebhookCore({ pipelines, sink, clientKey }: WebhookCoreDeps): WebhookCore {
  // Built once: an admitted request is handed its source's object, not a new one.
  const admissions = new Map<string, Admitted>();
  for (const [sourceId, pipeline] of pipelines) {
    admissions.set(sourceId, { ok: true, sourceId, bodyLimit: pipeline.source.limits.body, pipeline });
  }

  function prepare({ pipeline }: Admitted, request: ReceivedRequest, unverified: Unverified): Prepared | Refusal {
    try {
      // The receive time is the verifier's "now": one clock reading a request, none in the core.
      pipeline.verifier.verify(request, request.receivedAt.getTime());
    } catch (error) {
      return error instanceof VerificationError ? badSignature(error) : refusalOf(error);
    } finally {
      unverified.release();
    }
    let event: NormalizedEvent;
    try {
      event = pipeline.normalize(request);
    } catch (error) {
      return error instanceof EventError ? refusal(new HttpError(error.code, error.message)) : refusalOf(error);
    }
    // After verification (nothing unsigned is validated) and once the event name is known.
    const schemas = pipeline.source.requestSchemas;
    if (schemas !== undefined) {
      const violation = bodySchemaRefusal(schemas, pipeline.source.id, event, request.rawBody);
      if (violation) return refusal(violation, event);
    }
    return { ok: true, event };
  }

  return {
    async admit(sourceId, headers, clientAddress) {
      const admitted = admissions.get(sourceId);
      if (!admitted) return refusal(new HttpError("unknown_source", `no source "${sourceId.slice(0, 64)}" is configured`));
      const { pipeline } = admitted;
      try {
        if (pipeline.rateLimit) await pipeline.rateLimit(clientKey(clientAddress));
        pipeline.verifier.precheck(headers);
        return admitted;
      } catch (error) {
        return error instanceof VerificationError ? badSignature(error) : refusalOf(error);
      }
    },

    async receive(admitted, request, unverified) {
      const prepared = prepare(admitted, request, unverified);
      if (!prepared.ok) return prepared;
      const { event } = prepared;
      try {
        return { ok: true, id: event.id, event, via: await sink.accept(event) };
      } catch (error) {
        return error instanceof SinkUnavailableError ? unavailable(error, event) : refusalOf(error, event);
      }
    },
    prepare,
  };
}

/**
 * Anything thrown that no step expects, as a refusal: an HttpError stands as it is (a rate limit's
 * 429, or the transport's own refusals); anything else is `internal`, kept for the log.
 */
export function refusalOf(error: unknown, event?: NormalizedEvent): Refusal {
  return error instanceof HttpError ? refusal(error, event) : refusal(new HttpError("internal", "internal error"), event, error);
}

function refusal(error: HttpError, event?: NormalizedEvent, cause?: unknown): Refusal {
  return { ok: false, error, event, cause };
}

function badSignature(error: VerificationError): Refusal {
  return refusal(new HttpError("invalid_signature", error.message, { verification: error.reason }));
}

export function unavailable(error: SinkUnavailableError, event: NormalizedEvent): Refusal {
  return refusal(new HttpError("unavailable", "cannot take events right now; retry later", { broker: error.reason }, RETRY_AFTER_UNAVAILABLE), event);
}
