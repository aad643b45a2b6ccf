import type { RequestHandler } from "express";

/** Liveness: the process answers. Never depends on the broker, or an outage would restart us. */
export const healthz: RequestHandler = (_request, response) => {
  response.json({ status: "ok" });
};

/** What readiness reports: whether this process can do its job now, and the details why. */
export interface Readiness {
  readonly ready: boolean;
  /** Shown in the /readyz body: where events go, spool depth, workers' state, problems. */
  report(): Record<string, unknown>;
}

/** Readiness: 200 while this process can do its job (take events, or consume), else 503. */
export function readyz(readiness: Readiness, isShuttingDown: () => boolean): RequestHandler {
  return (_request, response) => {
    const ready = readiness.ready && !isShuttingDown();
    if (!ready) response.locals.reason = "not_ready";
    response.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      ...readiness.report(),
      ...(isShuttingDown() ? { events: "shutting_down" } : {}),
    });
  };
}
