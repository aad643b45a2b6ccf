import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { IngressMetrics } from "./ingress-metrics.js";
import { createIngressApp } from "./app.js";
import { answerClientError, type RequestsInHand } from "./client-error.js";
import { createClientAddress, createClientKeys, type TrustProxy } from "./client-address.js";
import type { EventSink } from "../contracts/event-sink.js";
import type { Readiness } from "./health.js";
import type { SourcePipeline } from "./source-pipeline.js";
import { createUnverifiedBudget } from "./unverified-budget.js";
import { createWebhookCore } from "./webhook-core.js";
import { createWebhookHandler, type WebhookHandlerDeps } from "./webhook-handler.js";
import { plainWebhookTarget } from "./webhook-path.js";
import { createApiHandler, type ApiHandler, type ApiHandlerDeps } from "./api-handler.js";
import { plainApiTarget } from "./api-path.js";
import type { IdempotencyStore, SyncCaller } from "../contracts/sync-call.js";

/** What the ingress allows a client: time to send, and bytes held before they are verified. */
export interface IngressLimits {
  /** HEADERS_TIMEOUT_MS: how long the headers may take (capped at requestTimeoutMs). */
  readonly headersTimeoutMs: number;
  /** REQUEST_TIMEOUT_MS: how long the whole request may take to arrive. */
  readonly requestTimeoutMs: number;
  /** UNVERIFIED_BYTES_MAX: bytes of bodies read but not yet verified, all requests together. */
  readonly unverifiedBytesMax: number;
}

export const DEFAULT_INGRESS_LIMITS: IngressLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  unverifiedBytesMax: 64 * 1024 ** 2,
});

export interface IngressServerDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  /** Absent in a worker-only process: no webhook routes are served. */
  readonly sink: EventSink | undefined;
  readonly readiness: Readiness;
  readonly metrics: IngressMetrics;
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
  readonly onAccepted?: WebhookHandlerDeps["onAccepted"];
  readonly onSchemaRejected?: WebhookHandlerDeps["onSchemaRejected"];
  readonly onApiCall?: ApiHandlerDeps["onApiCall"];
  readonly logger: Logger;
  /** TRUST_PROXY: which X-Forwarded-For hops to believe. */
  readonly trustProxy: TrustProxy;
  readonly isShuttingDown: () => boolean;
  /** @defaultValue DEFAULT_INGRESS_LIMITS */
  readonly limits?: IngressLimits;
  /** Where API endpoints' calls go (direct reply-to); absent: `/api/…` is not served. */
  readonly syncCaller?: SyncCaller | undefined;
  /** Idempotency-Keys of API calls (the state store); absent: a call with one is refused. */
  readonly idempotency?: IdempotencyStore | undefined;
}

/**
 * The public HTTP server. A webhook POST to a plain URL — nearly all the traffic — goes straight
 * from node:http to the webhook handler (body, answer, log; its meaning is the transport-free
 * webhook core's); everything else goes through the express app. Express's
 * router, request and response decorations cost about a tenth of a webhook's CPU (profile in
 * bench/README.md) for nothing the webhook path uses.
 */
export function createIngressServer(deps: IngressServerDeps): Server {
  const handler = createIngressHandler(deps);
  const server = createServer(ingressServerOptions(deps.limits), handler.request);
  server.on("clientError", handler.clientError);
  return server;
}

/** node:http's own limits on how long a client may take to send (see IngressLimits). */
export function ingressServerOptions(limits: IngressLimits = DEFAULT_INGRESS_LIMITS): ServerOptions {
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs,
    // How often node looks for requests past those timeouts (its default, 30 s, would let a
    // 30 s timeout run to 60 s).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
  };
}

/** What a server created with ingressServerOptions hands its requests and client errors to. */
export interface IngressHandler {
  readonly request: RequestListener;
  readonly clientError: (error: Error & { code?: string }, socket: Socket) => void;
}

/** The public server's handlers, also for a port bound before the router was wired (listenEarly). */
export function createIngressHandler(deps: IngressServerDeps): IngressHandler {
  const limits = deps.limits ?? DEFAULT_INGRESS_LIMITS;
  const reading = new WeakSet<IncomingMessage>();
  const { webhooks, endpoints } = splitPipelines(deps.pipelines);
  const clientKey = createClientKeys();
  const budget = createUnverifiedBudget(limits.unverifiedBytesMax);
  const webhook = deps.sink
    ? createWebhookHandler({
        ...deps,
        core: createWebhookCore({ pipelines: webhooks, sink: deps.sink, clientKey }),
        sources: deps.pipelines,
        clientAddress: createClientAddress(deps.trustProxy),
        budget,
        requestTimeoutMs: limits.requestTimeoutMs,
        reading,
      })
    : undefined;
  const api: ApiHandler | undefined =
    deps.sink && deps.syncCaller && endpoints.size > 0
      ? createApiHandler({
          ...deps,
          caller: deps.syncCaller,
          idempotency: deps.idempotency,
          // The sink is never used: a call goes to its route through the caller.
          core: createWebhookCore({ pipelines: endpoints, sink: deps.sink, clientKey }),
          clientAddress: createClientAddress(deps.trustProxy),
          budget,
          requestTimeoutMs: limits.requestTimeoutMs,
          reading,
        })
      : undefined;
  const app = createIngressApp({ ...deps, webhook, api, sources: deps.pipelines });
  // The request in hand on each connection, so that a timeout knows whether it was answered.
  const current: RequestsInHand = new WeakMap();
  return {
    request(request, response) {
      current.set(request.socket, { request, response });
      const target = webhook && request.method === "POST" ? plainWebhookTarget(request.url ?? "") : undefined;
      if (target) void webhook?.(request, response, target);
      else {
        const endpoint = api && request.method === "POST" ? plainApiTarget(request.url ?? "") : undefined;
        if (endpoint !== undefined) void api?.(request, response, endpoint);
        else app(request, response);
      }
    },
    clientError: answerClientError({ ...deps, current, reading }),
  };
}

/** Webhook sources and API endpoints (sources with `api:`): each is served on its own path only. */
function splitPipelines(pipelines: ReadonlyMap<string, SourcePipeline>) {
  const webhooks = new Map<string, SourcePipeline>();
  const endpoints = new Map<string, SourcePipeline>();
  for (const [id, pipeline] of pipelines) (pipeline.source.api ? endpoints : webhooks).set(id, pipeline);
  return { webhooks, endpoints };
}
