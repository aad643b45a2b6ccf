import { schemas } from "./openapi-schemas.js";

const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(ref("Error"), description);
const query = (name: string, description: string, schema: object = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
const ROUTE_STATES = ["pending", "delivered", "filtered", "retrying", "dead"];
const WHEN = "a duration ago (`1h`, `30m`, `7d`) or an ISO 8601 time";

const common = {
  "401": error("missing or wrong bearer token, and no console session (when ADMIN_TOKEN is set)"),
  "403": error(
    "forbidden: a browser's change from another site or without the session's X-CSRF-Token; without ADMIN_TOKEN, a Host that is not loopback",
  ),
  "500": error("internal: see the router's log"),
};
const deadLetterAnswers = {
  "200": json(ref("DeadLetterReport"), "what matched, and what was done"),
  "400": error("invalid parameters; purge without route or id"),
  ...common,
  "404": error("unknown_route"),
  "503": error("broker_unavailable"),
};
const actionBody = { required: false, content: { "application/json": { schema: ref("DeadLetterAction") } } };

/**
 * The admin API's OpenAPI 3.1 document, served at `GET /openapi.json`. `docs/admin-openapi.yaml`
 * is the same document as YAML; a test keeps the two equal.
 */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "webhook-router admin API",
    version: "1",
    description:
      "Operations on one router process: status, the delivery log (every event's journey), and dead letters. " +
      "Listens on ADMIN_HOST:ADMIN_PORT (127.0.0.1:9090); with ADMIN_TOKEN set every request needs `Authorization: Bearer <token>` " +
      "or the console's session cookie (`POST /session`), and every change made with the cookie needs the session's `X-CSRF-Token`. " +
      "The ops console itself is served under `/console/`. " +
      "With SQLite each process keeps its own delivery log; with DATABASE_URL all processes share one.",
  },
  servers: [{ url: "http://127.0.0.1:9090" }],
  security: [{ bearer: [] }, {}],
  paths: {
    "/status": {
      get: {
        summary: "Sources and routes with counts from the delivery log, and each route's dead-letter depth",
        parameters: [query("since", `count events received since then: ${WHEN} (default 24h)`)],
        responses: { "200": json(ref("Status"), "counts per source and route"), "400": error("invalid since"), ...common },
      },
    },
    "/events": {
      get: {
        summary: "Search the delivery log, newest first",
        parameters: [
          query("source", "source id"),
          query("type", "exact CloudEvents type (= routing key)"),
          query("status", "events with a route (or `route`) in this state", { type: "string", enum: ROUTE_STATES }),
          query("route", "events that went to this route"),
          query("since", `received at or after: ${WHEN}`),
          query("until", `received before: ${WHEN}`),
          query("id", "one event id"),
          query("limit", "most events (newest first)", { type: "integer", minimum: 1, maximum: 1000, default: 50 }),
        ],
        responses: {
          "200": json(
            {
              type: "object",
              required: ["events", "count", "limit"],
              properties: { events: { type: "array", items: ref("EventSummary") }, count: { type: "integer" }, limit: { type: "integer" } },
            },
            "matching events with each route's current state",
          ),
          "400": error("invalid parameters"),
          ...common,
          "503": error("delivery_log_disabled"),
        },
      },
    },
    "/events/{id}": {
      get: {
        summary: "One event's journey: its receipt and every attempt per route",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": json(ref("EventJourney"), "the journey"),
          ...common,
          "404": error("the log has nothing about this id"),
          "503": error("delivery_log_disabled"),
        },
      },
    },
    "/dead-letters": {
      get: {
        summary: "List dead letters (each route's dead-letter queue is walked once and left as it was)",
        parameters: [
          query("route", "one route (default: every route)"),
          query("reason", "x-error-kind: exhausted, permanent, credentials, mapping, poison"),
          query("id", "one event id"),
          query("limit", "most letters listed (all are walked)", { type: "integer", minimum: 1, maximum: 10000, default: 1000 }),
        ],
        responses: deadLetterAnswers,
      },
    },
    "/dead-letters/replay": {
      post: {
        summary: "Send matching dead letters back to their route's queue (as `dlq replay`)",
        requestBody: actionBody,
        responses: deadLetterAnswers,
      },
    },
    "/dead-letters/purge": {
      post: {
        summary: "Delete matching dead letters for good (as `dlq purge`); needs route or id",
        requestBody: actionBody,
        responses: deadLetterAnswers,
      },
    },
    "/health": {
      get: {
        summary: "This process's readiness, as the public port's /readyz reports it: where events go, spool depth, workers, problems in words",
        responses: { "200": json(ref("Health"), "ready or not (always 200: the body says)"), ...common },
      },
    },
    "/session": {
      get: {
        summary: "The console's session: whether sign-in is needed, and the CSRF token of the session the cookie names",
        description: "Without ADMIN_TOKEN there is nothing to sign in with: a session is opened at once (Set-Cookie), for its CSRF token.",
        security: [{}],
        responses: { "200": json(ref("Session"), "the session, or signedIn false"), "403": common["403"], "500": common["500"] },
      },
      post: {
        summary: "Sign in: ADMIN_TOKEN in the body gives an HttpOnly, SameSite=Strict session cookie (12 h) and its CSRF token",
        security: [{}],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", required: ["token"], properties: { token: { type: "string" } } } } },
        },
        responses: {
          "200": json(ref("Session"), "signed in (Set-Cookie: wr_admin_session)"),
          "400": error("no token in the body"),
          "401": error("wrong admin token"),
          "403": common["403"],
          "429": error("too_many_attempts: 10 failed sign-ins from one address in 15 minutes (Retry-After)"),
          "500": common["500"],
        },
      },
      delete: {
        summary: "Sign out: the session ends and its cookie is cleared",
        security: [{}],
        responses: { "200": json(ref("Session"), "signed out"), "403": common["403"], "500": common["500"] },
      },
    },
    "/openapi.json": {
      get: {
        summary: "This document",
        responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } }, ...common },
      },
    },
    "/asyncapi.json": {
      get: {
        summary: "The AsyncAPI 3.0 document of the exchange, generated from the routing table (as `webhook-router docs asyncapi`)",
        description:
          "One channel per `{sourceId}.{eventName}` the routing table names, one per source for any event name its sender sends, " +
          "one per route's dead-letter queue; the CloudEvent envelope, the AMQP properties and the dead letters' x-* headers.",
        responses: { "200": { description: "AsyncAPI 3.0", content: { "application/json": { schema: { type: "object" } } } }, ...common },
      },
    },
    "/openapi-ingress.json": {
      get: {
        summary: "The OpenAPI 3.1 document of the webhook endpoints, generated from the routing table (as `webhook-router docs openapi`)",
        description: "Each source's `POST /webhooks/{sourceId}[/{eventName}]` with its verification, limits and answers; the health probes.",
        responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } }, ...common },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" } },
    schemas,
  },
} as const;
