import { createServer, type RequestListener, type Server } from "node:http";
import type { Logger } from "pino";
import type { Metrics } from "../ops/metrics.js";
import { createIngressApp } from "./app.js";
import { createClientAddress, createClientKeys, type TrustProxy } from "./client-address.js";
import type { EventSink } from "./event-sink.js";
import type { Readiness } from "./health.js";
import type { SourcePipeline } from "./source-pipeline.js";
import { createWebhookHandler, type WebhookHandlerDeps } from "./webhook-handler.js";
import { plainWebhookTarget } from "./webhook-path.js";

export interface IngressServerDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  /** Absent in a worker-only process: no webhook routes are served. */
  readonly sink: EventSink | undefined;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
  readonly onAccepted?: WebhookHandlerDeps["onAccepted"];
  readonly logger: Logger;
  /** TRUST_PROXY: which X-Forwarded-For hops to believe. */
  readonly trustProxy: TrustProxy;
  readonly isShuttingDown: () => boolean;
}

/**
 * The public HTTP server. A webhook POST to a plain URL — nearly all the traffic — goes straight
 * from node:http to the webhook handler; everything else goes through the express app. Express's
 * router, request and response decorations cost about a tenth of a webhook's CPU (profile in
 * bench/README.md) for nothing the webhook path uses.
 */
export function createIngressServer(deps: IngressServerDeps): Server {
  return createServer(createIngressHandler(deps));
}

/** The public server's request handler, for a port bound before the router was wired. */
export function createIngressHandler(deps: IngressServerDeps): RequestListener {
  const webhook = deps.sink
    ? createWebhookHandler({
        ...deps,
        sink: deps.sink,
        clientAddress: createClientAddress(deps.trustProxy),
        clientKey: createClientKeys(),
      })
    : undefined;
  const app = createIngressApp({ ...deps, webhook });
  return (request, response) => {
    const target = webhook && request.method === "POST" ? plainWebhookTarget(request.url ?? "") : undefined;
    if (target) void webhook?.(request, response, target);
    else app(request, response);
  };
}
