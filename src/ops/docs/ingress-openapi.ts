import type { DocumentInput } from "./docs-input.js";
import { type SourceEvents, sourceEvents } from "./event-catalog.js";
import { eventNameText, selectorText } from "./event-name-text.js";
import { openApiPlacement, requestBodySchema, requestBodyText } from "./ingress-request-body.js";
import { errorResponse, ingressComponents, webhookErrors } from "./ingress-responses.js";
import { placedSchemas, requestBodySchemas, type SourceBodySchemas } from "./request-body-schemas.js";
import { verificationDoc } from "./verification-scheme.js";
import { apiEndpointDocs } from "./api-endpoint-paths.js";
import { type HeaderParameter, headerParameters, sizeText } from "./header-parameters.js";
import { probePaths } from "./probe-paths.js";

const ACCEPTED = {
  description: "Accepted: the event is confirmed by RabbitMQ, or fsync'd to the local spool. Never a 2xx before that.",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Accepted" } } },
};

/**
 * The OpenAPI 3.1 document of the ingress, generated from the routing table: each source's two
 * webhook URLs (and each API endpoint's URL, api-endpoint-paths.ts) with its verification (a security scheme, plus any other headers it requires), its
 * limits, its request schemas (the body, and `422` with the violations) and its answers; the health
 * and metrics probes. Served by the admin API at
 * `/openapi-ingress.json` and printed by `webhook-router docs openapi`.
 */
export function ingressOpenApiDocument(input: DocumentInput) {
  const sources = sourceEvents(input.table);
  const bodies = requestBodySchemas(input.table, openApiPlacement);
  const paths: Record<string, object> = {};
  const securitySchemes: Record<string, object> = {};
  for (const events of sources) {
    const { id, verify } = events.source;
    const verification = verificationDoc(verify);
    securitySchemes[id] = verification.scheme;
    const headers = headerParameters(verification.headers);
    const schemas = bodies.get(id);
    paths[`/webhooks/${id}`] = { post: webhookOperation(events, schemas, headers, false) };
    paths[`/webhooks/${id}/{eventName}`] = { post: webhookOperation(events, schemas, headers, true) };
  }
  const api = apiEndpointDocs(input.table, bodies);
  Object.assign(paths, otherSources(), api.paths, probePaths);
  Object.assign(securitySchemes, api.securitySchemes);
  return {
    openapi: "3.1.0",
    info: {
      title: "webhook-router ingress",
      version: "1",
      description:
        "The webhook and API endpoints of one router, generated from its routing table: one pair of URLs per webhook source and one per API endpoint (`/api/{endpointId}`, synchronous or answered at a callback URL), each verified over the exact raw bytes. " +
        "Every answer is JSON. Accepted events are published to RabbitMQ as CloudEvents: see the AsyncAPI document of the exchange (admin API `/asyncapi.json`).",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      {
        url: "http://{host}:{port}",
        variables: {
          host: { default: "127.0.0.1", description: "HOST" },
          port: { default: String(input.settings.port ?? 8080), description: "PORT" },
        },
      },
    ],
    tags: [...sources.map(({ source }) => ({ name: source.id, ...(source.description ? { description: source.description } : {}) })), ...api.tags],
    paths,
    components: {
      ...ingressComponents,
      schemas: {
        ...ingressComponents.schemas,
        ...Object.fromEntries([...placedSchemas(bodies), ...api.schemas].map(({ key, schema }) => [key, schema])),
      },
      securitySchemes,
    },
  };
}

function webhookOperation(events: SourceEvents, schemas: SourceBodySchemas | undefined, headers: readonly HeaderParameter[], named: boolean) {
  const { source } = events;
  const { body, rateLimit } = source.limits;
  const bodyText = requestBodyText(schemas);
  const examples = Object.fromEntries(
    events.known
      .flatMap((known) => known.examples)
      .map((example, index) => [`example${index + 1}`, { summary: example.name, value: example.event.data }]),
  );
  const limits =
    `Body at most ${sizeText(body)} (413 over it). ` +
    (rateLimit === false
      ? "No rate limit."
      : `At most ${rateLimit.max} requests per ${rateLimit.windowSeconds} s from one client address (429 over it).`);
  const names = events.known.map((known) => known.eventName);
  return {
    operationId: `${named ? "postNamed" : "post"}_${source.id}`,
    summary: named ? `Webhook of source ${source.id}, the event named in the URL` : `Webhook of source ${source.id}`,
    description: [
      source.description,
      eventNameText(source),
      `Event id: ${idText(source.event.id)}. ${limits}`,
      "Any Content-Type: the body must be JSON (UTF-8, uncompressed). It is published unchanged as the CloudEvent's `data`, routing key `" +
        `${source.id}.{eventName}\`.`,
    ]
      .filter(Boolean)
      .join("\n\n"),
    tags: [source.id],
    security: [{ [source.id]: [] }],
    ...parametersOf([
      ...(named
        ? [
            {
              name: "eventName",
              in: "path",
              required: true,
              description: "The event name (`:` and `/` become dots in the routing key).",
              schema: { type: "string" },
              ...(names.length === 0 ? {} : { examples: Object.fromEntries(names.map((name) => [name.replaceAll(".", "_"), { value: name }])) }),
            },
          ]
        : []),
      ...headers,
    ]),
    requestBody: {
      ...(bodyText === undefined ? {} : { description: bodyText }),
      required: true,
      content: { "application/json": { schema: requestBodySchema(schemas), ...(Object.keys(examples).length === 0 ? {} : { examples }) } },
    },
    responses: { "202": ACCEPTED, ...webhookErrors(rateLimit !== false, schemas !== undefined) },
  };
}

/** Any other source id: 404; any method but POST on a webhook URL: 405. */
function otherSources() {
  const refused = (operationId: string) => ({
    operationId,
    summary: "Webhooks are delivered with POST",
    responses: { "405": errorResponse(["method_not_allowed"], { allow: true }) },
  });
  const pathItem = (suffix: string) => ({
    description: "A source id the routing table does not declare (declared sources are listed above), or any method but POST.",
    parameters: [
      { name: "sourceId", in: "path", required: true, schema: { type: "string" } },
      ...(suffix === "" ? [] : [{ name: "eventName", in: "path", required: true, schema: { type: "string" } }]),
    ],
    post: {
      operationId: `postUnknown${suffix}`,
      summary: "A source the routing table does not declare",
      security: [],
      responses: { "404": errorResponse(["unknown_source"]) },
    },
    get: refused(`get${suffix}Refused`),
    put: refused(`put${suffix}Refused`),
    patch: refused(`patch${suffix}Refused`),
    delete: refused(`delete${suffix}Refused`),
  });
  return { "/webhooks/{sourceId}": pathItem(""), "/webhooks/{sourceId}/{eventName}": pathItem("Named") };
}

function idText(selectors: readonly string[]): string {
  const where = selectors.map(selectorText).join(", else ");
  return selectors.at(-1) === "hash" ? where : `${where}, else a content hash`;
}

/** No `parameters` key at all rather than an empty list. */
function parametersOf(parameters: readonly object[]) {
  return parameters.length === 0 ? {} : { parameters };
}
