/** The admin API's response shapes (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
import { ALERT_KINDS } from "../alerts/index.js";

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, "null"], ...extra });
const counts = {
  received: { type: "integer", description: "sources: events accepted; routes: events routed to it" },
  pending: { type: "integer" },
  delivered: { type: "integer" },
  filtered: { type: "integer" },
  echo: { type: "integer", description: "not delivered: a two-way sync's echo (the router's own write reported back, or authored by its own user)" },
  retrying: { type: "integer" },
  dead: { type: "integer" },
};
const rejected = { rejected: { type: "integer", description: "events refused for the source's request schema (422)" } };
const STATES = ["pending", "delivered", "filtered", "echo", "retrying", "dead"];
const pausedAnswer = (kind: "route" | "destination") => ({
  type: "object",
  required: [kind, "paused", "reason", "pausedAt"],
  properties: {
    [kind]: { type: "string" },
    paused: { type: "boolean", const: true },
    reason: nullable("string"),
    pausedAt: { type: "string", format: "date-time" },
  },
});

export const schemas = {
  Error: {
    type: "object",
    required: ["error", "message"],
    properties: {
      error: {
        type: "string",
        enum: [
          "unauthorized",
          "invalid_request",
          "not_found",
          "unknown_route",
          "unknown_destination",
          "delivery_log_disabled",
          "state_store_unavailable",
          "broker_unavailable",
          "internal",
        ],
      },
      message: { type: "string" },
    },
  },
  Status: {
    type: "object",
    required: ["since", "deliveryLog", "sources", "routes", "destinations"],
    properties: {
      since: { type: "string", format: "date-time", description: "counts cover events received since then" },
      deliveryLog: {
        type: ["object", "null"],
        description: "null when the delivery log is off in this process",
        properties: {
          engine: { type: "string", enum: ["sqlite", "postgresql"] },
          retentionMs: { type: "integer" },
          payloads: { type: "boolean" },
          queued: { type: "integer", description: "rows waiting to be written" },
          written: { type: "integer" },
          dropped: { type: "integer", description: "rows dropped because the write queue was full" },
          failed: { type: "integer", description: "rows lost to failed writes" },
        },
      },
      sources: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "kind", "api"],
          properties: {
            id: { type: "string" },
            kind: {
              type: "string",
              enum: ["webhook", "api", "poll"],
              description: "api: an API endpoint, POST /api/{id}, answered by a route; poll: a polling source (its state in polls)",
            },
            api: {
              type: ["object", "null"],
              description: "an API endpoint's route and mode; null for a webhook or polling source",
              required: ["route", "mode"],
              properties: { route: { type: "string" }, mode: { type: "string", enum: ["sync", "async"] } },
            },
            ...counts,
            ...rejected,
          },
        },
      },
      polls: {
        type: ["array", "null"],
        description: "polling sources (kind: poll); null when the state store cannot be read",
        items: {
          type: "object",
          required: ["source", "state", "lastSuccess", "lastError", "cursor", "lagSeconds", "lastRun", "leaseHolder"],
          properties: {
            source: { type: "string" },
            state: { type: "string", enum: ["running", "failing", "ok", "pending", "paused"] },
            lastSuccess: nullable("string", { format: "date-time" }),
            lastError: {
              type: ["object", "null"],
              properties: { at: { type: "string", format: "date-time" }, message: { type: "string" } },
            },
            failingSince: nullable("string", { format: "date-time" }),
            cursor: nullable("string", { format: "date-time", description: "where the next window starts" }),
            lagSeconds: nullable("integer", { description: "seconds between the newest modified time seen and now" }),
            lastRun: { type: ["object", "null"], properties: { items: { type: "integer" }, pages: { type: "integer" } } },
            leaseHolder: nullable("string", { description: "host/pid/nonce of the process polling it; null when nobody holds the lease" }),
            runInProgress: { type: "boolean", description: "a run is unfinished: it resumes at its next page" },
          },
        },
      },
      routes: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "destination", "deadLetterDepth", "paused", "pausedBy", "pauseReason", "pausedAt", "waiting"],
          properties: {
            id: { type: "string" },
            destination: { type: "string" },
            events: { type: "array", items: { type: "string" } },
            ...counts,
            deadLetterDepth: nullable("integer", { description: "messages in the dead-letter queue; null where no worker runs in this process" }),
            paused: { type: "boolean", description: "the route, or its destination, is paused: no worker process consumes its queue" },
            pausedBy: {
              type: ["string", "null"],
              enum: ["route", "destination", null],
              description: "route: paused on its own (reported first when both are)",
            },
            pauseReason: nullable("string"),
            pausedAt: nullable("string", { format: "date-time" }),
            waiting: nullable("integer", { description: "messages ready in the route's queue; null where no worker runs in this process" }),
          },
        },
      },
      destinations: {
        type: "array",
        items: {
          type: "object",
          required: ["id", "routes", "paused", "pauseReason", "pausedAt"],
          properties: {
            id: { type: "string" },
            routes: { type: "array", items: { type: "string" }, description: "the routes that deliver to it" },
            paused: { type: "boolean", description: "the destination itself is paused (each of its routes waits, whatever its own pause)" },
            pauseReason: nullable("string"),
            pausedAt: nullable("string", { format: "date-time" }),
          },
        },
      },
    },
  },
  RouteStatus: {
    type: "object",
    required: ["route", "state", "attempts", "updatedAt"],
    properties: {
      route: { type: "string" },
      state: { type: "string", enum: STATES },
      attempts: { type: "integer", description: "attempt number of the last outcome (0 while pending)" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
  EventSummary: {
    type: "object",
    required: ["id", "source", "type", "subject", "time", "receivedAt", "via", "receipts", "call", "routes"],
    properties: {
      id: { type: "string" },
      source: nullable("string", { description: "null when this log never saw the receipt (a worker-only SQLite log)" }),
      type: nullable("string"),
      subject: nullable("string"),
      time: nullable("string", { description: "the CloudEvents time" }),
      receivedAt: { type: "string", format: "date-time" },
      via: { type: ["string", "null"], enum: ["broker", "spool", "rejected", null], description: "rejected: refused for its request schema (422)" },
      receipts: { type: "integer", description: "times the ingress received this id (accepted or rejected)" },
      call: {
        type: ["string", "null"],
        enum: ["accepted", "answered", "timed-out", "rejected", null],
        description:
          "an API call (POST /api/{endpointId}, `source` is the endpoint): accepted (async, 202), answered (sync, the route's answer whatever its status), timed-out (504 deadline_exceeded), rejected (request schema, 422); null for a webhook",
      },
      routes: { type: "array", items: { $ref: "#/components/schemas/RouteStatus" } },
    },
  },
  Attempt: {
    type: "object",
    required: ["attempt", "at", "outcome", "status", "latencyMs", "error", "reason", "delayMs"],
    properties: {
      attempt: { type: "integer" },
      at: { type: "string", format: "date-time" },
      outcome: {
        type: "string",
        enum: ["delivered", "duplicate", "filtered", "echo", "retry", "dead", "busy", "replayed"],
        description:
          "busy: another worker was delivering the event; this copy was held back and did not call the target. replayed: an operator sent the event back from the dead-letter queue (attempt 0; the next attempt is 1 again)",
      },
      status: nullable("integer", { description: "the target's HTTP status" }),
      latencyMs: nullable("number"),
      error: nullable("string"),
      reason: {
        type: ["string", "null"],
        enum: ["poison", "mapping", "permanent", "credentials", "exhausted", "fingerprint", "authored-by", null],
        description: "dead: why it was dead-lettered; echo: which rule recognized it (fingerprint or authored-by)",
      },
      delayMs: nullable("integer", { description: "for a retry: the delay before the next attempt; for busy: how long the copy was held back" }),
    },
  },
  EventJourney: {
    allOf: [{ $ref: "#/components/schemas/EventSummary" }],
    type: "object",
    required: ["payload"],
    properties: {
      payload: nullable("string", { description: "the CloudEvent as received; only with DELIVERY_LOG_PAYLOADS=true" }),
      routes: {
        type: "array",
        items: {
          allOf: [{ $ref: "#/components/schemas/RouteStatus" }],
          type: "object",
          properties: { history: { type: "array", items: { $ref: "#/components/schemas/Attempt" } } },
        },
      },
    },
  },
  DeadLetter: {
    type: "object",
    required: ["routeId", "reason", "error"],
    properties: {
      routeId: { type: "string" },
      eventId: nullable("string"),
      type: nullable("string"),
      reason: { type: "string", description: "x-error-kind: exhausted, permanent, credentials, mapping, poison (or the broker's delivery_limit)" },
      error: { type: "string" },
      status: nullable("integer"),
      attempts: nullable("integer"),
      failedAt: nullable("string", { format: "date-time" }),
    },
  },
  DeadLetterReport: {
    type: "object",
    required: ["action", "dryRun", "matched", "replayed", "purged", "letters", "truncated"],
    properties: {
      action: { type: "string", enum: ["list", "replay", "purge"] },
      dryRun: { type: "boolean" },
      matched: { type: "integer" },
      replayed: { type: "integer" },
      purged: { type: "integer" },
      letters: { type: "array", items: { $ref: "#/components/schemas/DeadLetter" } },
      truncated: { type: "boolean", description: "more letters matched than are listed" },
    },
  },
  PauseRequest: {
    type: "object",
    additionalProperties: false,
    properties: { reason: { type: "string", maxLength: 500, description: "why, shown in /status, the CLI and the workers' logs" } },
  },
  RoutePaused: pausedAnswer("route"),
  DestinationPaused: pausedAnswer("destination"),
  RouteResumed: {
    type: "object",
    required: ["route", "paused"],
    properties: {
      route: { type: "string" },
      paused: { type: "boolean", const: false, description: "the route's own pause is lifted" },
      stillPausedBy: { type: "string", enum: ["destination"], description: "present when the route's destination is paused: the route still waits" },
    },
  },
  DestinationResumed: {
    type: "object",
    required: ["destination", "paused"],
    properties: { destination: { type: "string" }, paused: { type: "boolean", const: false } },
  },
  Alert: {
    type: "object",
    required: ["id", "kind", "subject", "recipients", "at", "status", "eventId", "routeId", "sourceId"],
    properties: {
      id: { type: "string" },
      kind: { type: "string", enum: ALERT_KINDS },
      subject: { type: "string" },
      recipients: { type: "array", items: { type: "string" } },
      at: { type: "string", format: "date-time", description: "when the email was sent or failed; for held, when the digest last grew" },
      status: {
        type: "string",
        enum: ["sent", "failed", "held"],
        description: "held: alerts collected for the stream's next digest (the row becomes sent or failed when it goes)",
      },
      eventId: nullable("string", { description: "when the email concerns exactly one event" }),
      routeId: nullable("string"),
      sourceId: nullable("string"),
      heldCount: { type: "integer", description: "alerts in the digest (held, or sent as a digest); absent for a first alert" },
      error: { type: "string", description: "failed: the SMTP error after the last try (no credentials); its alerts go into the next digest" },
    },
  },
  AlertPage: {
    type: "object",
    required: ["alerts", "next"],
    properties: {
      alerts: { type: "array", items: { $ref: "#/components/schemas/Alert" } },
      next: nullable("string", { description: "pass as `before` for older entries; null on the last page" }),
    },
  },
  DeadLetterAction: {
    type: "object",
    additionalProperties: false,
    properties: {
      route: { type: "string", description: "one route; every route when absent" },
      id: { type: "string", description: "one event id" },
      reason: { type: "string", description: "x-error-kind" },
      dryRun: { type: "boolean", default: false },
    },
  },
  Health: {
    type: "object",
    required: ["status", "problems"],
    properties: {
      status: { type: "string", enum: ["ready", "not_ready", "unknown"] },
      events: { type: "string", description: "where the ingress puts events: broker, spool, spool_full, spool_error, shutting_down" },
      spool: { type: "object", properties: { count: { type: "integer" }, bytes: { type: "integer" } } },
      workers: { type: "string", description: "consuming, disconnected, no_routes" },
      problems: {
        type: "array",
        items: { type: "object", properties: { code: { type: "string" }, message: { type: "string" }, at: { type: "string", format: "date-time" } } },
      },
    },
  },
  Session: {
    type: "object",
    required: ["tokenRequired", "signedIn"],
    properties: {
      tokenRequired: { type: "boolean", description: "whether ADMIN_TOKEN is set (sign-in needed)" },
      signedIn: { type: "boolean" },
      csrfToken: { type: "string", description: "send it as X-CSRF-Token with every change made with the cookie" },
      expiresAt: { type: "string", format: "date-time" },
    },
  },
} as const;
