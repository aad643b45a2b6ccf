import type { ErrorMeaning } from "./api-error.js";

/**
 * The one catalogue of errors a sender can see: a stable code (in the JSON body and in logs), its
 * HTTP status, whether retrying the same request can help, and what it means. The ingress answers
 * with it (ingress/http-error.ts) and the generated OpenAPI document states it (ops/docs).
 */
export const INGRESS_ERRORS = {
  invalid_body: { status: 400, retryable: false, description: "empty body, not UTF-8, not JSON, or a body shorter than its Content-Length" },
  invalid_event: { status: 400, retryable: false, description: "no event name where the source says to find one, or one that is not dot words" },
  invalid_url: { status: 400, retryable: false, description: "a malformed percent-escape in the path" },
  bad_request: { status: 400, retryable: false, description: "malformed HTTP" },
  request_aborted: { status: 400, retryable: true, description: "the client aborted the request (logged; nobody is there to read it)" },
  invalid_signature: {
    status: 401,
    retryable: false,
    description: "missing, malformed or wrong signature or secret, or a timestamp outside the tolerance",
  },
  unknown_source: { status: 404, retryable: false, description: "no such source in the routing table" },
  unknown_endpoint: { status: 404, retryable: false, description: "no such API endpoint in the routing table" },
  not_found: { status: 404, retryable: false, description: "no such endpoint" },
  method_not_allowed: { status: 405, retryable: false, description: "anything but POST on /webhooks/… or /api/…" },
  request_timeout: {
    status: 408,
    retryable: true,
    description: "the headers (HEADERS_TIMEOUT_MS) or the whole request (REQUEST_TIMEOUT_MS) took too long to arrive",
  },
  payload_too_large: {
    status: 413,
    retryable: false,
    description: "the body is over the source's limit (refused from Content-Length before reading when it says so)",
  },
  unsupported_encoding: { status: 415, retryable: false, description: "a compressed body (any Content-Encoding)" },
  schema_violation: {
    status: 422,
    retryable: false,
    description: "the body does not match the source's request schema for its event name; `violations` lists each (a JSON Pointer and a message)",
  },
  invalid_callback_url: {
    status: 400,
    retryable: false,
    description:
      "asynchronous API endpoints: an X-Callback-Url that is not allowed (not https, a private address, unresolvable, or not accepted from callers)",
  },
  invalid_idempotency_key: { status: 400, retryable: false, description: "an Idempotency-Key that is empty or longer than 255 characters" },
  in_progress: { status: 409, retryable: true, description: "a call with the same Idempotency-Key is still running; retry after it answers" },
  already_processed: {
    status: 409,
    retryable: false,
    description: "API endpoints: this call (its Idempotency-Key) was already run and its answer is no longer kept",
  },
  destination_conflict: { status: 409, retryable: false, description: "API endpoints: the destination answered 409; its message is passed on" },
  destination_rejected: {
    status: 422,
    retryable: false,
    description:
      "API endpoints: the destination refused the call (a 4xx other than 409) or the route did not run it (filtered); its message is passed on",
  },
  rate_limited: { status: 429, retryable: true, description: "more than the source's rate limit from one client address" },
  headers_too_large: { status: 431, retryable: false, description: "headers over node's 16 KiB limit" },
  internal: { status: 500, retryable: true, description: "an unexpected error; see the router's log" },
  destination_failed: {
    status: 502,
    retryable: true,
    description:
      "API endpoints: the destination failed (5xx, refused connection, credentials) or its answer did not fit the response mapping or schema",
  },
  deadline_exceeded: {
    status: 504,
    retryable: true,
    description:
      "API endpoints: no answer within the endpoint's deadline; the call still runs once (retry with the same Idempotency-Key to get its answer)",
  },
  destination_timeout: { status: 504, retryable: true, description: "API endpoints: the destination did not answer within the route's timeout" },
  unavailable: {
    status: 503,
    retryable: true,
    description: "neither the broker nor the local spool can take the event, or the unverified-bytes budget is full",
  },
} as const satisfies Record<string, ErrorMeaning & { readonly description: string }>;

export type IngressErrorCode = keyof typeof INGRESS_ERRORS;

/** The most violations a `schema_violation` answer lists; `omitted` counts the rest. */
export const MAX_VIOLATIONS = 20;
