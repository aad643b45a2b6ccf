import express, { type Express } from "express";
import type { Logger } from "pino";
import { HttpError } from "../errors.js";
import type { Metrics } from "../ops/metrics.js";
import type { EventSink } from "./event-sink.js";
import { healthz, readyz, type Readiness } from "./health.js";
import type { SourcePipeline } from "./source-pipeline.js";
import { createWebhookHandler, type WebhookHandlerDeps } from "./webhook-handler.js";

export interface IngressAppDeps {
  readonly pipelines: ReadonlyMap<string, SourcePipeline>;
  /** Absent in a worker-only process: no webhook routes are mounted. */
  readonly sink: EventSink | undefined;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly onVerificationFailure: (sourceId: string, reason: string) => void;
  readonly onAccepted?: WebhookHandlerDeps["onAccepted"];
  readonly logger: Logger;
  /** express `trust proxy`: which X-Forwarded-For hops to believe. */
  readonly trustProxy: boolean | number | string[];
  readonly isShuttingDown: () => boolean;
}

export function createIngressApp(deps: IngressAppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", deps.trustProxy);
  // Webhook URLs carry no query worth parsing on the hot path.
  app.set("query parser", false);

  // The webhook routes come first: they are nearly all the traffic.
  if (deps.sink) {
    const webhook = createWebhookHandler({ ...deps, sink: deps.sink });
    app.post("/webhooks/:sourceId", webhook);
    app.post("/webhooks/:sourceId/:eventName", webhook);
    app.all("/webhooks/{*rest}", (request, response, next) => {
      if (request.method === "POST") return next();
      const error = new HttpError("method_not_allowed", "webhooks are delivered with POST");
      response.set("Allow", "POST").status(error.status).json(error.toBody());
    });
  }

  app.get("/healthz", healthz);
  app.get("/readyz", readyz(deps.readiness, deps.isShuttingDown));
  app.get("/metrics", async (_request, response) => {
    response.set("Content-Type", deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use((_request, response) => {
    const error = new HttpError("not_found", "no such endpoint");
    response.status(error.status).json(error.toBody());
  });
  return app;
}
