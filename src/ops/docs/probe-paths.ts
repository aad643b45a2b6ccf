const json = (description: string, schema: object) => ({ description, content: { "application/json": { schema } } });
const status = (...values: string[]) => ({ type: "object", required: ["status"], properties: { status: { type: "string", enum: values } } });

/** The ingress port's probes (ingress/health.ts, /metrics), answered by every role. */
export const probePaths = {
  "/healthz": {
    get: {
      operationId: "healthz",
      summary: "Liveness: the process runs (never depends on the broker)",
      security: [],
      responses: { "200": json("alive", status("ok")) },
    },
  },
  "/readyz": {
    get: {
      operationId: "readyz",
      summary: "Readiness: events can be taken (broker or spool), or this process can consume",
      description:
        "The body also says where events go, the spool's depth, the workers' state and `problems` an operator must look at. " +
        "A process with API endpoints is also not ready while its sync-call channel is down (`sync_calls_down`), unless the spool is taking its webhooks through a broker outage.",
      security: [],
      responses: {
        "200": json("ready", { ...status("ready"), additionalProperties: true }),
        "503": json("not ready, or shutting down", { ...status("not_ready"), additionalProperties: true }),
      },
    },
  },
  "/metrics": {
    get: {
      operationId: "metrics",
      summary: "Prometheus metrics (text exposition format)",
      security: [],
      responses: { "200": { description: "the metrics", content: { "text/plain": { schema: { type: "string" } } } } },
    },
  },
};
