import type { Route, RoutingTable, Source } from "../../config/load-routes.js";
import { type HeaderParameter, headerParameters, sizeText } from "./header-parameters.js";
import { openApiPlacement, requestBodySchema, requestBodyText } from "./ingress-request-body.js";
import { errorResponse, onlyOn, webhookErrors } from "./ingress-responses.js";
import { type PlacedSchema, placed, type SourceBodySchemas } from "./request-body-schemas.js";
import { verificationDoc } from "./verification-scheme.js";
import { callbackDocs, callbackUrlParameter } from "./async-callback.js";

const EVENT_ID = { "X-Event-Id": { $ref: "#/components/headers/X-Event-Id" } };
const ANSWER_HEADERS = { ...EVENT_ID, "Idempotent-Replayed": { $ref: "#/components/headers/Idempotent-Replayed" } };

/** What the API endpoints add to the OpenAPI document of the ingress. */
export interface ApiEndpointDocs {
  readonly paths: Record<string, object>;
  readonly securitySchemes: Record<string, object>;
  /** The sync routes' response schemas, `{endpointId}.response`. */
  readonly schemas: PlacedSchema[];
  readonly tags: Array<{ name: string; description?: string }>;
}

/**
 * `POST /api/{endpointId}` for each API endpoint (`api:`), in id order: its verification, the
 * `Idempotency-Key` header, its request schema and its answers — 200 with the sync route's mapped
 * answer (its `response.schema` where the route declares one) and every error it can give
 * (ingress/api-handler.ts, worker/sync-reply.ts); for an `async` endpoint, `202 {id}`, its
 * `X-Callback-Url` and the signed callback POST instead. Nothing when there is none: `/api/` is not served.
 */
export function apiEndpointDocs(table: RoutingTable, bodies: ReadonlyMap<string, SourceBodySchemas>): ApiEndpointDocs {
  const docs: ApiEndpointDocs = { paths: {}, securitySchemes: {}, schemas: [], tags: [] };
  const endpoints = [...table.sources.values()].filter((source) => source.api).sort((a, b) => a.id.localeCompare(b.id));
  for (const source of endpoints) {
    const route = table.routes.get(source.api?.route ?? "");
    const verification = verificationDoc(source.verify);
    docs.securitySchemes[source.id] = verification.scheme;
    const response = route?.responseSchemas?.documents.default;
    const answer = response === undefined ? undefined : placed(`${source.id}.response`, response, openApiPlacement);
    if (answer) docs.schemas.push(answer);
    docs.tags.push({ name: source.id, ...(source.description ? { description: source.description } : {}) });
    docs.paths[`/api/${source.id}`] = { post: callOperation(source, route, bodies.get(source.id), answer, headerParameters(verification.headers)) };
  }
  if (endpoints.length > 0) docs.paths["/api/{endpointId}"] = otherEndpoints();
  return docs;
}

const IDEMPOTENCY_KEY: HeaderParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retry safe: a call with a key already answered gets that answer again (`Idempotent-Replayed: true`) for the endpoint's idempotency window, without running twice; `409 in_progress` while the first still runs.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
};

function callOperation(
  source: Source,
  route: Route | undefined,
  schemas: SourceBodySchemas | undefined,
  answer: PlacedSchema | undefined,
  headers: readonly HeaderParameter[],
) {
  const api = source.api;
  const bodyText = requestBodyText(schemas);
  const examples = Object.fromEntries(
    (route?.examples ?? []).map((example, index) => [`example${index + 1}`, { summary: example.name, value: example.event.data }]),
  );
  const { body, rateLimit } = source.limits;
  const limits = `Body at most ${sizeText(body)}; ${rateLimit === false ? "no rate limit" : `at most ${rateLimit.max} requests per ${rateLimit.windowSeconds} s from one client address`}.`;
  const requestBody = {
    ...(bodyText === undefined ? {} : { description: bodyText }),
    required: true,
    content: { "application/json": { schema: requestBodySchema(schemas), ...(Object.keys(examples).length === 0 ? {} : { examples }) } },
  };
  if (api?.callback) {
    const callbackUrl = callbackUrlParameter(api.callback);
    return {
      operationId: `call_${source.id}`,
      summary: `API endpoint ${source.id}: an asynchronous call, answered at its callback URL`,
      description: [
        source.description,
        `Answers \`202 {id}\` as soon as the call is confirmed in the queue of the route \`${api.route}\`, which runs it once; the result, mapped by the route's \`response.mapping\`` +
          (answer ? ` (\`${answer.key}\`)` : "") +
          `, is then POSTed to ${callbackUrl ? (api.callback.url ? "the caller's `X-Callback-Url`, else the endpoint's configured URL" : "the caller's `X-Callback-Url`") : "the endpoint's configured URL"}, signed with Standard Webhooks (see \`callbacks\`).`,
        `An \`Idempotency-Key\` gives the same event id: a repeat of a call already run gets \`202\` with that id, and is neither run nor called back again. ${limits}`,
      ]
        .filter(Boolean)
        .join("\n\n"),
      tags: [source.id],
      security: [{ [source.id]: [] }],
      parameters: [...headers, IDEMPOTENCY_KEY_ASYNC, ...(callbackUrl ? [callbackUrl] : [])],
      requestBody,
      responses: asyncResponses(rateLimit !== false, schemas !== undefined),
      callbacks: callbackDocs(source.id, api.callback, answer),
    };
  }
  return {
    operationId: `call_${source.id}`,
    summary: `API endpoint ${source.id}: a synchronous call`,
    description: [
      source.description,
      `Runs the sync route \`${api?.route}\` once and answers with its result: the destination's answer mapped by the route's \`response.mapping\`` +
        (answer ? `, matching \`${answer.key}\`.` : " (no response schema declared)."),
      `Deadline ${api?.deadline} ms: past it, \`504 deadline_exceeded\` with the event id; the call still runs, once. ${limits}`,
    ]
      .filter(Boolean)
      .join("\n\n"),
    tags: [source.id],
    security: [{ [source.id]: [] }],
    parameters: [...headers, IDEMPOTENCY_KEY],
    requestBody,
    responses: callResponses(rateLimit !== false, schemas !== undefined, answer),
  };
}

function callResponses(rateLimited: boolean, validated: boolean, answer: PlacedSchema | undefined) {
  const refusals = webhookErrors(rateLimited, validated);
  const id = { type: "object", required: ["id"], properties: { id: { type: "string", description: "the call's event id" } } };
  const withIds = { headers: ANSWER_HEADERS };
  const responses: Record<string, object> = {
    "200": {
      description: "The destination accepted the call: its answer, mapped by the route's `response.mapping`.",
      headers: ANSWER_HEADERS,
      content: { "application/json": { schema: answer ? answer.ref : { description: "the mapped answer (any JSON)" } } },
    },
    ...refusals,
    "400": errorResponse(["invalid_body", "invalid_event", "invalid_url", "bad_request", "invalid_idempotency_key"]),
    "409": errorResponse(["destination_conflict", "already_processed", "in_progress"], withIds),
    "422": errorResponse([...(validated ? (["schema_violation"] as const) : []), "destination_rejected"], { ...withIds, violations: validated }),
    "500": errorResponse(["internal"], { headers: EVENT_ID }),
    "502": errorResponse(["destination_failed"], withIds),
    "503": errorResponse(["unavailable"], { retryAfter: true, headers: EVENT_ID }),
    "504": errorResponse(["destination_timeout", "deadline_exceeded"], {
      ...withIds,
      body: [onlyOn("deadline_exceeded", id)],
    }),
  };
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

const IDEMPOTENCY_KEY_ASYNC: HeaderParameter = {
  ...IDEMPOTENCY_KEY,
  description:
    "Makes a retry safe: the same key gives the same event id, so a call already run is not run, nor called back, again (`202` with that id).",
};

/** An asynchronous call's answers: `202 {id}`, or a refusal before anything ran; the route's own outcome goes to the callback. */
function asyncResponses(rateLimited: boolean, validated: boolean) {
  const responses: Record<string, object> = {
    "202": {
      description: "Accepted: the call is confirmed in its route's queue; its result will be POSTed to the callback URL.",
      headers: EVENT_ID,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Accepted" } } },
    },
    ...webhookErrors(rateLimited, validated),
    "400": errorResponse(["invalid_body", "invalid_event", "invalid_url", "bad_request", "invalid_idempotency_key", "invalid_callback_url"]),
    "500": errorResponse(["internal"], { headers: EVENT_ID }),
    "503": errorResponse(["unavailable"], { retryAfter: true, headers: EVENT_ID }),
  };
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Any other endpoint id: 404; any method but POST: 405. */
function otherEndpoints() {
  const refused = (method: string) => ({
    operationId: `${method}ApiRefused`,
    summary: "API endpoints are called with POST",
    responses: { "405": errorResponse(["method_not_allowed"], { allow: true }) },
  });
  return {
    description: "An endpoint id the routing table does not declare (declared endpoints are listed above), or any method but POST.",
    parameters: [{ name: "endpointId", in: "path", required: true, schema: { type: "string" } }],
    post: {
      operationId: "callUnknown",
      summary: "An API endpoint the routing table does not declare",
      security: [],
      responses: { "404": errorResponse(["unknown_endpoint"]) },
    },
    get: refused("get"),
    put: refused("put"),
    patch: refused("patch"),
    delete: refused("delete"),
  };
}
