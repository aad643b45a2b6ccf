import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";
import type { Reservation } from "./unverified-budget.js";

/** Seconds a sender is told to wait when unverified bodies fill the budget (503). */
export const RETRY_AFTER_OVERLOADED = 5;

/** How a body may be read: the source's limit, the budget's share, and when to give up. */
export interface BodyLimits {
  /** The source's body limit (bytes). */
  readonly limit: number;
  /** Content-Length, when the sender declared one: already taken from `reservation`. */
  readonly declared: number | undefined;
  /** Chunked bodies take their bytes from it as they arrive. */
  readonly reservation: Reservation;
  /** Milliseconds left before the request is cut with a 408. */
  readonly timeoutMs: number;
}

/**
 * Refuses a body before it is read, from its headers: a compressed body (senders sign the bytes
 * they send; decompressing first would verify different bytes), a declared length over the
 * source's limit, or one the unverified-bytes budget cannot hold.
 * @returns the declared length, if any.
 */
export function admitBody(request: IncomingMessage, limit: number, reservation: Reservation): number | undefined {
  const encoding = request.headers["content-encoding"];
  if (encoding && encoding.toLowerCase() !== "identity") {
    throw new HttpError("unsupported_encoding", `Content-Encoding ${JSON.stringify(encoding)} is not supported; send the body uncompressed`);
  }
  const header = request.headers["content-length"];
  // node:http has already refused a malformed Content-Length (400) or one sent with chunking.
  const declared = header === undefined ? undefined : Number(header);
  if (declared === undefined) return undefined;
  if (declared > limit) throw tooLarge(limit);
  if (!reservation.take(declared, declared)) throw overloaded();
  return declared;
}

/**
 * Reads the exact bytes of the body. Deliberately ignores Content-Type: signatures cover the
 * bytes whatever the sender called them. Read here rather than with raw-body, because a chunked
 * body must be counted against the budget chunk by chunk as it arrives, and a stalled one cut.
 */
export function readBody(request: IncomingMessage, { limit, declared, reservation, timeoutMs }: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: HttpError | undefined) => {
      clearTimeout(timer);
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onAborted);
      request.off("close", onClose);
      if (error) {
        // Nothing more is read: the answer says Connection: close (webhook-handler.ts).
        request.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(tooLarge(limit));
      if (declared === undefined && !reservation.take(chunk.length, received)) return finish(overloaded());
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish(
        declared !== undefined && received !== declared ? new HttpError("invalid_body", "body length does not match Content-Length") : undefined,
      );
    };
    const onAborted = () => finish(new HttpError("request_aborted", "the client aborted the request"));
    const onClose = () => {
      if (!request.complete) onAborted();
    };
    const timer = setTimeout(
      () => finish(new HttpError("request_timeout", `the request took longer than ${Math.round(timeoutMs / 1000)} s to arrive`)),
      Math.max(0, timeoutMs),
    );
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onAborted);
    request.on("close", onClose);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError("payload_too_large", `body is larger than this source's limit of ${limit} bytes`);
}

function overloaded(): HttpError {
  return new HttpError(
    "unavailable",
    "too many request bodies are being received right now; retry later",
    { reason: "overloaded" },
    RETRY_AFTER_OVERLOADED,
  );
}
