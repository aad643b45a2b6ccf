import type { RequestHandler } from "express";

/** What this process's /readyz says (main.ts hands the admin API the same readiness). */
export interface AdminReadiness {
  readonly ready: boolean;
  /** Where events go, the spool's depth, the workers' state, and the problems in words. */
  report(): Record<string, unknown>;
}

/**
 * `GET /health`: the public port's /readyz body, on the admin port — the console shows the
 * problems in words without reaching the public port. Always 200: the body says ready or not.
 */
export function healthRoute(readiness: AdminReadiness | undefined): RequestHandler {
  return (_request, response) => {
    if (!readiness) {
      response.json({ status: "unknown", problems: [] });
      return;
    }
    const report = readiness.report();
    response.json({ status: readiness.ready ? "ready" : "not_ready", problems: [], ...report });
  };
}
