import { INGRESS_ERRORS, type IngressErrorCode, MAX_VIOLATIONS } from "../../contracts/ingress-errors.js";

const RETRY_AFTER = { $ref: "#/components/headers/Retry-After" };

/** What an answer carries besides the `Error` body: headers, and the body's other members. */
export interface ErrorExtras {
  readonly retryAfter?: boolean;
  readonly allow?: boolean;
  /** `violations` (schema_violation): always with that code alone, else only on it. */
  readonly violations?: boolean;
  /** Other headers, by name (`{$ref}`s to components.headers). */
  readonly headers?: Readonly<Record<string, object>>;
  /** More schemas the body matches (allOf). */
  readonly body?: readonly object[];
}

/** One status's answer: the codes it may carry, in the shared `Error` shape (with `violations` where they are listed). */
export function errorResponse(codes: readonly IngressErrorCode[], extra: ErrorExtras = {}) {
  const headers = {
    ...(extra.retryAfter ? { "Retry-After": RETRY_AFTER } : {}),
    ...(extra.allow ? { Allow: { description: "always `POST`", schema: { type: "string", const: "POST" } } } : {}),
    ...extra.headers,
  };
  return {
    description: codes.map((code) => `\`${code}\`: ${INGRESS_ERRORS[code].description}`).join("; "),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    content: {
      "application/json": {
        schema: {
          allOf: [
            { $ref: "#/components/schemas/Error" },
            { type: "object", properties: { error: { type: "string", enum: [...codes] } } },
            ...(extra.violations ? [violationsOf(codes)] : []),
            ...(extra.body ?? []),
          ],
        },
      },
    },
  };
}

const VIOLATIONS = { $ref: "#/components/schemas/Violations" };

/** `violations`: on every answer of the status when schema_violation is its one code, else on that code's answers only. */
function violationsOf(codes: readonly IngressErrorCode[]): object {
  if (codes.length === 1) return VIOLATIONS;
  return onlyOn("schema_violation", VIOLATIONS);
}

/** A body schema that applies to one code's answers only: not that code, or the schema. */
export function onlyOn(code: IngressErrorCode, schema: object): object {
  return { anyOf: [{ properties: { error: { not: { const: code } } } }, schema] };
}

/** The answers every webhook POST to a configured source may get, besides 202; 422 where a request schema applies. */
export function webhookErrors(rateLimited: boolean, validated: boolean) {
  return {
    "400": errorResponse(["invalid_body", "invalid_event", "invalid_url", "bad_request"]),
    "401": errorResponse(["invalid_signature"]),
    "408": errorResponse(["request_timeout"]),
    "413": errorResponse(["payload_too_large"]),
    "415": errorResponse(["unsupported_encoding"]),
    ...(validated ? { "422": errorResponse(["schema_violation"], { violations: true }) } : {}),
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
    Violations: {
      type: "object",
      description: "What `schema_violation` adds to the error: where the body breaks the request schema, never with the body's values.",
      required: ["violations"],
      properties: {
        violations: {
          type: "array",
          minItems: 1,
          maxItems: MAX_VIOLATIONS,
          items: {
            type: "object",
            required: ["pointer", "message"],
            properties: {
              pointer: { type: "string", description: 'a JSON Pointer (RFC 6901) into the body: `""` is the whole body, `/lines/0/sku` a field' },
              message: { type: "string", description: "what is wrong there, in the schema's terms" },
            },
          },
        },
        omitted: {
          type: "integer",
          minimum: 1,
          description: `how many violations were left off the list (only when there are more than ${MAX_VIOLATIONS})`,
        },
      },
    },
  },
  headers: {
    "Retry-After": { description: "seconds to wait before retrying (503: 5)", schema: { type: "integer", minimum: 1 } },
    "X-Event-Id": {
      description:
        "API endpoints: the call's event id (a UUID per call; with an Idempotency-Key, the SHA-256 hex of `{endpointId}\\n{key}`), on every answer once the body is read",
      schema: { type: "string" },
    },
    "Idempotent-Replayed": {
      description: "API endpoints: `true` when the answer is the one kept for the Idempotency-Key, given again without running the call",
      schema: { type: "string", const: "true" },
    },
  },
};
