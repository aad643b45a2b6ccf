import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { HttpError, type HttpErrorCode } from "./http-error.js";
import type { IngressMetrics } from "./ingress-metrics.js";
import { NO_SOURCE } from "./app.js";

/** The request in hand on each connection, so that an error knows whether it was answered. */
export type RequestsInHand = WeakMap<Socket, { readonly request: IncomingMessage; readonly response: ServerResponse }>;

export interface ClientErrorDeps {
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  readonly current: RequestsInHand;
  /** Requests whose body the webhook handler is reading: it answers their timeout itself. */
  readonly reading: WeakSet<IncomingMessage>;
}

/**
 * Errors node:http meets before a request reaches a handler, or beside it: headers or a request
 * too slow (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS), malformed HTTP. Node's own answers are bare
 * text; these are JSON, logged on one line and counted like every other answer.
 */
export function answerClientError({
  metrics,
  logger,
  current,
  reading,
}: ClientErrorDeps): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    const timedOut = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    const inHand = current.get(socket);
    // The webhook handler reading this body answers its timeout itself (408, its own log line).
    if (timedOut && inHand && reading.has(inHand.request)) return;
    // Already answered, and the rest of its body was being discarded: nothing more to say.
    const answered = inHand?.response.headersSent === true && !inHand.request.complete;
    if (answered || (!timedOut && (error.code === "ECONNRESET" || error.code === "EPIPE"))) {
      socket.destroy();
      return;
    }
    const code: HttpErrorCode = timedOut ? "request_timeout" : error.code === "HPE_HEADER_OVERFLOW" ? "headers_too_large" : "bad_request";
    const failure = new HttpError(code, clientErrorMessage(code));
    if (socket.writable) {
      const body = JSON.stringify(failure.toBody());
      socket.end(
        `HTTP/1.1 ${failure.status} ${STATUS_TEXT[code]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      );
    } else socket.destroy();
    metrics.answered(NO_SOURCE, failure.status, code);
    logger.info({ status: failure.status, reason: code, ip: socket.remoteAddress, ...(timedOut ? {} : { parser: error.code }) }, "request refused");
  };
}

const STATUS_TEXT: Partial<Record<HttpErrorCode, string>> = {
  request_timeout: "Request Timeout",
  headers_too_large: "Request Header Fields Too Large",
  bad_request: "Bad Request",
};

function clientErrorMessage(code: HttpErrorCode): string {
  if (code === "request_timeout") return "the request took too long to arrive";
  if (code === "headers_too_large") return "the request headers are too large";
  return "the request is not valid HTTP";
}
