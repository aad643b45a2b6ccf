import type { RequestHandler } from "express";
import type { EventSink } from "./event-sink.js";

/** Liveness: the process answers. Never depends on the broker, or an outage would restart us. */
export const healthz: RequestHandler = (_request, response) => {
  response.json({ status: "ok" });
};

/** Readiness: events can be taken now (the broker, or later the spool, can hold them). */
export function readyz(sink: EventSink, isShuttingDown: () => boolean): RequestHandler {
  return (_request, response) => {
    const ready = sink.ready && !isShuttingDown();
    response.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not_ready",
      events: isShuttingDown() ? "shutting_down" : sink.state,
    });
  };
}
