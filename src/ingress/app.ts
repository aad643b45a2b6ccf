import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { HttpError } from "./http-error.js";
import type { IngressMetrics } from "./ingress-metrics.js";
import { healthz, readyz, type Readiness } from "./health.js";
import type { WebhookHandler } from "./webhook-handler.js";
import type { ApiHandler } from "./api-handler.js";
import type { TrustProxy } from "./client-address.js";

/** The `source` label of answers outside `/webhooks/` (health, metrics, unknown paths). */
export const NO_SOURCE = "-";

export interface IngressAppDeps {
  /** Absent in a worker-only process: no webhook routes are mounted. */
  readonly webhook: WebhookHandler | undefined;
  /** Absent without API endpoints (or a broker): `/api/…` is not served. */
  readonly api?: ApiHandler | undefined;
  /** The configured source ids: only these become metric labels. */
  readonly sources: { has(id: string): boolean };
  readonly readiness: Readiness;
  readonly metrics: IngressMetrics;
  readonly logger: Logger;
  /** express `trust proxy`: which X-Forwarded-For hops to believe. */
  readonly trustProxy: TrustProxy;
  readonly isShuttingDown: () => boolean;
}

/** What a handler tells the request log about its answer. */
interface AnswerNote {
  /** The reason word of the log line and metric; `ok` when absent and the status is below 400. */
  reason?: string;
  /** The webhook handler logs and counts its own answers. */
  selfLogged?: boolean;
  /** An unexpected error, for the log line (never the answer). */
  err?: unknown;
}

const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Everything but the plain-URL webhook POSTs, which ingress/server.ts hands straight to the
 * webhook handler: health, metrics, 404/405 answers, and webhook URLs in an unusual spelling
 * (percent-escapes, capitals), which express matches and passes to the same handler (and so to
 * the same webhook core: express adds routing only). Every answer is JSON and one log line, and
 * is counted in webhook_router_requests_total.
 */
export function createIngressApp(deps: IngressAppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", deps.trustProxy);
  app.set("query parser", false);

  app.use(requestLog(deps));
  // Refused up front, whatever the path: a malformed escape would fail in express's router, which
  // answers with an HTML page.
  app.use((request, response, next) => {
    if (decodes(request.path)) return next();
    refuse(response, new HttpError("invalid_url", "the URL has a malformed percent-escape"));
  });

  const { webhook } = deps;
  if (webhook) {
    const viaExpress: express.RequestHandler = (request, response) => {
      note(response).selfLogged = true;
      return webhook(request, response, {
        sourceId: String(request.params.sourceId),
        eventName: request.params.eventName === undefined ? undefined : String(request.params.eventName),
      });
    };
    app.post("/webhooks/:sourceId", viaExpress);
    app.post("/webhooks/:sourceId/:eventName", viaExpress);
    app.all("/webhooks/{*rest}", (request, response, next) => {
      if (request.method === "POST") return next();
      response.set("Allow", "POST");
      refuse(response, new HttpError("method_not_allowed", "webhooks are delivered with POST"));
    });
  }

  const { api } = deps;
  if (api) {
    app.post("/api/:endpointId", (request, response) => {
      note(response).selfLogged = true;
      return api(request, response, String(request.params.endpointId));
    });
    app.all("/api/{*rest}", (request, response, next) => {
      if (request.method === "POST") return next();
      response.set("Allow", "POST");
      refuse(response, new HttpError("method_not_allowed", "API endpoints are called with POST"));
    });
  }

  app.get("/healthz", healthz);
  app.get("/readyz", readyz(deps.readiness, deps.isShuttingDown));
  app.get("/metrics", async (_request, response) => {
    response.set("Content-Type", deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use((_request, response) => {
    refuse(response, new HttpError("not_found", "no such endpoint"));
  });
  app.use(answerError);
  return app;
}

function note(response: Response): AnswerNote {
  return response.locals as AnswerNote;
}

function refuse(response: Response, error: HttpError): void {
  note(response).reason = error.code;
  response.status(error.status).json(error.toBody());
}

/** Whatever was thrown or passed to next(): JSON, never express's HTML page with a stack. */
const answerError: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  // express's router throws a URIError (status 400) when a path parameter will not decode.
  const failure =
    error instanceof URIError ? new HttpError("invalid_url", "the URL has a malformed percent-escape") : new HttpError("internal", "internal error");
  if (failure.code === "internal") note(response).err = error;
  if (!response.headersSent) refuse(response, failure);
  else response.destroy();
};

/**
 * One line and one count per answer. Health and metrics probes, which arrive every few seconds,
 * are logged at debug; everything else at info (error for a 5xx other than readiness).
 */
function requestLog(deps: IngressAppDeps): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.once("finish", () => {
      const noted = note(response);
      if (noted.selfLogged) return;
      const status = response.statusCode;
      const reason = noted.reason ?? (status < 400 ? "ok" : `status_${status}`);
      const source = sourceLabel(request.path, deps.sources);
      deps.metrics.answered(source, status, reason);
      const probe = PROBES.has(request.path) && (request.method === "GET" || request.method === "HEAD");
      const line = {
        method: request.method,
        path: request.path.slice(0, 200),
        ...(source === NO_SOURCE ? {} : { source }),
        status,
        reason,
        ip: request.ip,
        ms: Math.round((performance.now() - started) * 100) / 100,
        ...(noted.err === undefined ? {} : { err: noted.err }),
      };
      if (probe) deps.logger.debug(line, "request");
      else if (status >= 500) deps.logger.error(line, "request failed");
      else deps.logger.info(line, "request");
    });
    next();
  };
}

/** `/webhooks/{id}…` or `/api/{id}…` → the configured id, or `unknown`; any other path → NO_SOURCE. */
function sourceLabel(path: string, sources: { has(id: string): boolean }): string {
  const prefix = path.startsWith("/webhooks/") ? "/webhooks/" : path.startsWith("/api/") ? "/api/" : undefined;
  if (prefix === undefined) return NO_SOURCE;
  const segment = path.slice(prefix.length).split("/")[0] ?? "";
  try {
    const id = decodeURIComponent(segment);
    return sources.has(id) ? id : "unknown";
  } catch {
    return "unknown";
  }
}

function decodes(path: string): boolean {
  if (!path.includes("%")) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
