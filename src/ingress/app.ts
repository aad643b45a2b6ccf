import express, { type Express } from "express";
import { HttpError } from "../errors.js";
import type { Metrics } from "../ops/metrics.js";
import { healthz, readyz, type Readiness } from "./health.js";
import type { WebhookHandler } from "./webhook-handler.js";
import type { TrustProxy } from "./client-address.js";

export interface IngressAppDeps {
  /** Absent in a worker-only process: no webhook routes are mounted. */
  readonly webhook: WebhookHandler | undefined;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  /** express `trust proxy`: which X-Forwarded-For hops to believe. */
  readonly trustProxy: TrustProxy;
  readonly isShuttingDown: () => boolean;
}

/**
 * Everything but the plain-URL webhook POSTs, which ingress/server.ts hands straight to the
 * webhook handler: health, metrics, 404/405 answers, and webhook URLs in an unusual spelling
 * (percent-escapes, capitals), which express matches and passes to the same handler.
 */
export function createIngressApp(deps: IngressAppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", deps.trustProxy);
  app.set("query parser", false);

  const { webhook } = deps;
  if (webhook) {
    const viaExpress: express.RequestHandler = (request, response) =>
      webhook(request, response, {
        sourceId: String(request.params.sourceId),
        eventName: request.params.eventName === undefined ? undefined : String(request.params.eventName),
      });
    app.post("/webhooks/:sourceId", viaExpress);
    app.post("/webhooks/:sourceId/:eventName", viaExpress);
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
