import { INGRESS_ERRORS, type IngressErrorCode } from "../../contracts/ingress-errors.js";

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
