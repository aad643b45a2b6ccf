import type { RequestHandler } from "express";
import type { EventSink } from "./event-sink.js";

/** Liveness: the process answers. Never depends on the broker, or an outage would restart us. */
export const healthz: RequestHandler = (_request, response) => {
  response.json({ status: "ok" });
};

/** What a sink with a local spool can add to readiness; a sink without one has neither. */
interface SpoolReport {
  depth?(): { count: number; bytes: number; maxBytes: number };
  readonly problems?: readonly unknown[];
}

/** Readiness: events can be taken now (the broker or the spool can hold them). */
export function readyz(sink: EventSink & SpoolReport, isShuttingDown: () => boolean): RequestHandler {
  return (_request, response) => {
    const ready = sink.ready && !isShuttingDown();
    response.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      events: isShuttingDown() ? "shutting_down" : sink.state,
      ...(sink.depth ? { spool: sink.depth() } : {}),
      ...(sink.problems ? { problems: sink.problems } : {}),
    });
  };
}
