import type { Logger } from "pino";
import type { Env } from "../config/env.js";
import type { RoutingTable } from "../config/load-routes.js";
import type { NormalizedEvent } from "../events/normalize.js";
import type { AcceptedVia } from "../ingress/event-sink.js";
import type { IngressSink } from "../spool/ingress-sink.js";
import type { Outcome } from "../worker/process-event.js";
import { alerterOptionsFromEnv, alertFromOutcome, createAlerter, createBurstDetector } from "./alerts/index.js";
import type { DeliveryLogRecorder } from "./delivery-log/index.js";
import { createMetrics, type Metrics, type MetricSources } from "./metrics.js";

export interface Operations {
  readonly metrics: Metrics;
  /** Every accepted webhook: the delivery log's receipt. */
  onAccepted(sourceId: string, event: NormalizedEvent, via: AcceptedVia): void;
  /** Every worker outcome: metrics, the delivery log, and an email for dead letters and credential failures. */
  onOutcome(outcome: Outcome, context: { routeId: string; eventId: string | undefined; attempt: number }): void;
  /** Every failed verification: metrics, and an email when a source sees a burst of them. */
  onVerificationFailure(sourceId: string, reason: string): void;
  /** Starts watching the ingress: an email once it has been spooling longer than the threshold. */
  watchSpool(sink: IngressSink): void;
  close(ms: number): Promise<void>;
}

const SPOOL_CHECK_MS = 15_000;

/**
 * What operators see of the process: metrics, failure emails and the delivery log (when one is
 * given), wired to the events that feed them.
 */
export function createOperations(
  env: Env,
  table: RoutingTable,
  logger: Logger,
  sources: MetricSources,
  deliveryLog?: DeliveryLogRecorder,
): Operations {
  const metrics = createMetrics(sources);
  const alerter = createAlerter(alerterOptionsFromEnv(env, logger));
  const bursts = createBurstDetector();
  let spoolTimer: NodeJS.Timeout | undefined;

  return {
    metrics,
    onAccepted(sourceId, event, via) {
      deliveryLog?.accepted(sourceId, event, via);
    },
    onOutcome(outcome, context) {
      metrics.delivery(context.routeId, outcome);
      deliveryLog?.outcome(outcome, context);
      const route = table.routes.get(context.routeId);
      const alert = alertFromOutcome(outcome, { ...context, destination: route?.destination, recipients: route?.failureEmails });
      if (alert) alerter.notify(alert);
    },
    onVerificationFailure(sourceId, reason) {
      metrics.verificationFailure(sourceId, reason);
      const alert = bursts.record(sourceId, reason);
      if (alert) alerter.notify({ ...alert, recipients: table.sources.get(sourceId)?.failureEmails });
    },
    watchSpool(sink) {
      let since: Date | undefined;
      spoolTimer = setInterval(() => {
        if (sink.state !== "spool" && sink.state !== "spool_full") {
          since = undefined;
          return;
        }
        since ??= new Date();
        // The alerter throttles: one email, then at most one digest per window while it lasts.
        if (Date.now() - since.getTime() >= env.ALERT_SPOOLING_AFTER) alerter.notify({ kind: "spooling", since, depth: sink.depth().count });
      }, Math.min(SPOOL_CHECK_MS, env.ALERT_SPOOLING_AFTER)).unref();
    },
    async close(ms) {
      clearInterval(spoolTimer);
      await alerter.close(ms);
    },
  };
}
