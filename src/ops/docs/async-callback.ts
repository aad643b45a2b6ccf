import { CALLBACK_ATTEMPTS } from "../../broker/route-topology.js";
import type { CallbackConfig } from "../../config/source-schema.js";
import type { HeaderParameter } from "./header-parameters.js";
import type { PlacedSchema } from "./request-body-schemas.js";

/** The request header a caller names its own callback URL in (ingress/callback-url.ts reads it). */
const CALLBACK_URL_HEADER = "X-Callback-Url";

/** `X-Callback-Url`, when the endpoint takes the caller's own URL: required when no URL is configured. */
export function callbackUrlParameter(callback: CallbackConfig): HeaderParameter | undefined {
  if (!callback.allowRequestUrl) return undefined;
  const rules = [
    callback.allowHttp ? "`https` or `http`" : "`https`",
    "no credentials",
    ...(callback.allowPrivate
      ? []
      : ["every address its host resolves to public (no loopback, private, link-local, CGNAT, multicast or reserved range)"]),
  ];
  return {
    name: CALLBACK_URL_HEADER,
    in: "header",
    required: callback.url === undefined,
    description:
      `Where the result is POSTed: ${rules.join("; ")}; else \`400 invalid_callback_url\`. ` +
      (callback.url === undefined ? "Required: the endpoint has no URL of its own." : "Absent: the endpoint's configured URL."),
    schema: { type: "string", format: "uri", maxLength: 2048 },
  };
}

const SIGNED_HEADERS: HeaderParameter[] = [
  {
    name: "webhook-id",
    in: "header",
    required: true,
    description: "The call's event id (the `202`'s `id`), the same on every try: a receiver drops a repeat by it.",
    schema: { type: "string" },
  },
  {
    name: "webhook-timestamp",
    in: "header",
    required: true,
    description: "When this try was signed, unix seconds.",
    schema: { type: "string", pattern: "^[0-9]+$" },
  },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description:
      "Standard Webhooks: `v1,` + base64 HMAC-SHA256 with the endpoint's callback secret over `{webhook-id}.{webhook-timestamp}.{body}` (e.g. `new Webhook(secret).verify(body, headers)` of the `standardwebhooks` package).",
    schema: { type: "string", pattern: "^v1,[A-Za-z0-9+/=]+$" },
  },
];

/**
 * The OpenAPI `callbacks` of an asynchronous endpoint: the POST of each call's result to the caller's
 * `X-Callback-Url` and/or the configured URL, signed with Standard Webhooks (worker/callback-post.ts),
 * whose body is the success (`body`: the mapped answer) or the failure (`error`) a synchronous caller
 * would have had.
 */
export function callbackDocs(endpointId: string, callback: CallbackConfig, answer: PlacedSchema | undefined) {
  const post = {
    operationId: `callback_${endpointId}`,
    summary: `The result of a call to ${endpointId}`,
    description:
      "POSTed once the route has run, with redirects not followed. A 2xx settles it. A 408, 425, 429, 5xx, timeout or unreachable receiver is tried again " +
      `with the route's retry delays, ${CALLBACK_ATTEMPTS} POSTs in all, then dead-lettered; another 3xx or 4xx is dead-lettered at once.`,
    parameters: SIGNED_HEADERS,
    requestBody: {
      required: true,
      content: { "application/json": { schema: callbackBody(answer) } },
    },
    responses: {
      "2XX": { description: "Taken: the callback is settled." },
      default: { description: "Not taken: tried again (408, 425, 429, 5xx) or dead-lettered (another status)." },
    },
  };
  const urls = [...(callback.allowRequestUrl ? [`{$request.header.${CALLBACK_URL_HEADER}}`] : []), ...(callback.url ? [callback.url] : [])];
  return { result: Object.fromEntries(urls.map((url) => [url, { post }])) };
}

function callbackBody(answer: PlacedSchema | undefined) {
  const id = { type: "string", description: "the call's event id, as in the `202` and `webhook-id`" };
  return {
    oneOf: [
      {
        type: "object",
        description: "The destination accepted the call: its answer, mapped by the route's `response.mapping`.",
        required: ["id", "status", "body"],
        properties: { id, status: { type: "integer", const: 200 }, body: answer ? answer.ref : { description: "the mapped answer (any JSON)" } },
      },
      {
        type: "object",
        description:
          "The call failed: the status and error a synchronous caller would have had (`destination_conflict` 409, `destination_rejected` 422, `destination_failed` 502, `destination_timeout` 504, …).",
        required: ["id", "status", "error"],
        properties: {
          id,
          status: { type: "integer", minimum: 400, maximum: 599 },
          error: { $ref: "#/components/schemas/Error" },
        },
      },
    ],
  };
}
