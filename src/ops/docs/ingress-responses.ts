/**
 * The ingress's error answers, `{"error": code, "message"}`, as the OpenAPI document states them.
 * ops may not import ingress/, so the catalogue (ingress/http-error.ts) is restated here; a unit
 * test keeps the two equal.
 */
export const INGRESS_ERRORS = {
  invalid_body: { status: 400, description: "empty body, not UTF-8, not JSON, or a body shorter than its Content-Length" },
  invalid_event: { status: 400, description: "no event name where the source says to find one, or one that is not dot words" },
  invalid_url: { status: 400, description: "a malformed percent-escape in the path" },
  bad_request: { status: 400, description: "malformed HTTP" },
  request_aborted: { status: 400, description: "the client aborted the request (logged; nobody is there to read it)" },
  invalid_signature: { status: 401, description: "missing, malformed or wrong signature or secret, or a timestamp outside the tolerance" },
  unknown_source: { status: 404, description: "no such source in the routing table" },
  not_found: { status: 404, description: "no such endpoint" },
  method_not_allowed: { status: 405, description: "anything but POST on /webhooks/…" },
  request_timeout: { status: 408, description: "the headers (HEADERS_TIMEOUT_MS) or the whole request (REQUEST_TIMEOUT_MS) took too long to arrive" },
  payload_too_large: { status: 413, description: "the body is over the source's limit (refused from Content-Length before reading when it says so)" },
  unsupported_encoding: { status: 415, description: "a compressed body (any Content-Encoding)" },
  rate_limited: { status: 429, description: "more than the source's rate limit from one client address" },
  headers_too_large: { status: 431, description: "headers over node's 16 KiB limit" },
  internal: { status: 500, description: "an unexpected error; see the router's log" },
  unavailable: { status: 503, description: "neither the broker nor the local spool can take the event, or the unverified-bytes budget is full" },
} as const;

export type IngressErrorCode = keyof typeof INGRESS_ERRORS;

const RETRY_AFTER = { $ref: "#/components/headers/Retry-After" };

/** One status's answer: the codes it may carry, in the shared `Error` shape. */
export function errorResponse(codes: readonly IngressErrorCode[], extra: { retryAfter?: boolean; allow?: boolean } = {}) {
  const headers = {
    ...(extra.retryAfter ? { "Retry-After": RETRY_AFTER } : {}),
    ...(extra.allow ? { Allow: { description: "always `POST`", schema: { type: "string", const: "POST" } } } : {}),
  };
  return {
    description: codes.map((code) => `\`${code}\`: ${INGRESS_ERRORS[code].description}`).join("; "),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    content: {
      "application/json": {
        schema: {
          allOf: [{ $ref: "#/components/schemas/Error" }, { type: "object", properties: { error: { type: "string", enum: [...codes] } } }],
        },
      },
    },
  };
}

/** The answers every webhook POST to a configured source may get, besides 202. */
export function webhookErrors(rateLimited: boolean) {
  return {
    "400": errorResponse(["invalid_body", "invalid_event", "invalid_url", "bad_request"]),
    "401": errorResponse(["invalid_signature"]),
    "408": errorResponse(["request_timeout"]),
    "413": errorResponse(["payload_too_large"]),
    "415": errorResponse(["unsupported_encoding"]),
    ...(rateLimited ? { "429": errorResponse(["rate_limited"], { retryAfter: true }) } : {}),
    "431": errorResponse(["headers_too_large"]),
    "500": errorResponse(["internal"]),
    "503": errorResponse(["unavailable"], { retryAfter: true }),
  };
}

export const ingressComponents = {
  schemas: {
    Accepted: {
      type: "object",
      required: ["id"],
      properties: { id: { type: "string", description: "the event id: the CloudEvent's `id` and the AMQP message-id" } },
    },
    Error: {
      type: "object",
      required: ["error", "message"],
      properties: {
        error: { type: "string", enum: Object.keys(INGRESS_ERRORS), description: "a stable code" },
        message: { type: "string", description: "what went wrong, for a person" },
      },
    },
  },
  headers: {
    "Retry-After": { description: "seconds to wait before retrying (503: 5)", schema: { type: "integer", minimum: 1 } },
  },
};
