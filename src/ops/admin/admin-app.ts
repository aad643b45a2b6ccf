import express, { type ErrorRequestHandler, type Express } from "express";
import type { Logger } from "pino";
import type { RoutingTable } from "../../config/load-routes.js";
import type { DeliveryLog } from "../delivery-log/index.js";
import { requireAccess } from "./admin-auth.js";
import { consoleAssets } from "./console-assets.js";
import { createConsoleSessions } from "./console-sessions.js";
import { type AdminReadiness, healthRoute } from "./health-route.js";
import { securityHeaders } from "./security-headers.js";
import { sessionRoutes } from "./session-routes.js";
import { AdminError } from "./admin-errors.js";
import { deadLetterActionRoute, listDeadLettersRoute } from "./dead-letter-routes.js";
import type { DeadLetterService } from "../dead-letters/index.js";
import { journeyRoute, searchRoute } from "./events-routes.js";
import { asyncApiDocument, type DocumentSettings, ingressOpenApiDocument } from "../docs/index.js";
import { openApiDocument } from "./openapi-document.js";
import { statusRoute } from "./status-route.js";
import { pauseRoute, type PauseControl } from "./pause-routes.js";
import { alertsRoute } from "./alerts-route.js";
import type { PollStatus } from "../../contracts/poll-status.js";

export interface AdminAppDeps {
  readonly table: RoutingTable;
  /** Absent when the delivery log is off (or its store could not be opened). */
  readonly log: DeliveryLog | undefined;
  readonly deadLetters: DeadLetterService;
  /** Present where the worker role runs. */
  readonly deadLetterDepth?: (() => Promise<ReadonlyMap<string, number>>) | undefined;
  /** Present where the worker role runs: each route queue's ready messages. */
  readonly waitingDepth?: (() => Promise<ReadonlyMap<string, number>>) | undefined;
  /** Absent when the state store could not be opened: pause and resume then answer 503. */
  readonly pauses?: PauseControl | undefined;
  /** Each polling source's state, from the state store; absent where the process has none open. */
  readonly polls?: (() => Promise<readonly PollStatus[]>) | undefined;
  /** When set, every request needs `Authorization: Bearer <token>` or a console session. */
  readonly token: string | undefined;
  /** What /readyz reports on the public port: `GET /health` shows it here (absent: "unknown"). */
  readonly readiness?: AdminReadiness | undefined;
  /** TRUST_PROXY: whether a request came over TLS (the session cookie's `Secure`) and from which address. */
  readonly trustProxy?: boolean | number | readonly string[] | undefined;
  /** Where the built console is; dist/console/ of the package by default. */
  readonly consoleDir?: string | undefined;
  readonly logger: Logger;
  /** What the generated documents name besides the routing table (exchange, queue prefix, port). */
  readonly docs: DocumentSettings;
}

/**
 * The admin API (see docs/admin-openapi.yaml): JSON in, JSON out, errors as `{error, message}` —
 * whatever went wrong and whatever NODE_ENV says: express's own error page (HTML, with a stack
 * outside production) is never reached.
 */
export function createAdminApp(deps: AdminAppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", deps.trustProxy ?? false);
  app.use((request, response, next) => {
    const started = performance.now();
    response.on("finish", () => {
      // An audit line for every change (replay, purge); reads only at debug.
      const line = {
        admin: true,
        method: request.method,
        path: request.path,
        status: response.statusCode,
        ms: Math.round(performance.now() - started),
      };
      if (request.method === "GET") deps.logger.debug(line, "admin request");
      else deps.logger.info(line, "admin request");
    });
    next();
  });
  app.use(securityHeaders);
  // The console's files carry no data: served before any sign-in.
  app.use(consoleAssets(deps.consoleDir));
  const sessions = createConsoleSessions();
  app.use(sessionRoutes(deps.token, sessions));
  app.use(requireAccess({ token: deps.token, sessions }));
  app.use(jsonBody);

  app.get("/openapi.json", (_request, response) => {
    response.json(openApiDocument);
  });
  // Generated once: the routing table is frozen for the life of the process.
  const documents = { table: deps.table, settings: deps.docs };
  const asyncApi = asyncApiDocument(documents);
  const ingressOpenApi = ingressOpenApiDocument(documents);
  app.get("/asyncapi.json", (_request, response) => {
    response.json(asyncApi);
  });
  app.get("/openapi-ingress.json", (_request, response) => {
    response.json(ingressOpenApi);
  });
  app.get("/status", statusRoute({ ...deps, pauses: deps.pauses?.store }));
  app.get("/health", healthRoute(deps.readiness));
  app.post("/routes/:id/pause", pauseRoute(deps.table, deps.pauses, "route", "pause"));
  app.post("/routes/:id/resume", pauseRoute(deps.table, deps.pauses, "route", "resume"));
  app.post("/destinations/:id/pause", pauseRoute(deps.table, deps.pauses, "destination", "pause"));
  app.post("/destinations/:id/resume", pauseRoute(deps.table, deps.pauses, "destination", "resume"));
  app.get("/alerts", alertsRoute(deps.log));
  app.get("/events", searchRoute(deps.log));
  app.get("/events/:id", journeyRoute(deps.log));
  app.get("/dead-letters", listDeadLettersRoute(deps.deadLetters));
  app.post("/dead-letters/replay", deadLetterActionRoute(deps.deadLetters, "replay"));
  app.post("/dead-letters/purge", deadLetterActionRoute(deps.deadLetters, "purge"));

  app.use((_request, response) => {
    const error = new AdminError("not_found", "no such endpoint; see GET /openapi.json");
    response.status(error.status).json(error.toBody());
  });
  app.use(answerError(deps.logger));
  return app;
}

/** Any content type: `curl -d '{"route":"r"}'` sends form-urlencoded, and the body is small JSON anyway. */
const jsonBody = express.json({ limit: "16kb", type: () => true });

function answerError(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    let failure: AdminError;
    if (error instanceof AdminError) failure = error;
    // express's router throws a URIError (status 400) when a path parameter will not decode.
    else if (error instanceof URIError) failure = new AdminError("invalid_request", "the URL has a malformed percent-escape");
    else if (isBodyError(error)) failure = new AdminError("invalid_request", `the body must be JSON: ${error.message}`);
    else {
      logger.error({ err: error, method: request.method, path: request.path }, "admin request failed");
      failure = new AdminError("internal", "internal error; see the router's log");
    }
    if (!response.headersSent) response.status(failure.status).json(failure.toBody());
    else response.destroy();
  };
}

/** body-parser's errors: malformed JSON, too large, bad charset. */
function isBodyError(error: unknown): error is Error & { status: number } {
  const status = (error as { status?: unknown }).status;
  return (
    error instanceof Error && typeof status === "number" && status >= 400 && status < 500 && typeof (error as { type?: unknown }).type === "string"
  );
}
