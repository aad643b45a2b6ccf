import type { Logger } from "pino";
import { brokerAddress, type BrokerRefusal } from "../broker/broker-failure.js";
import type { BrokerEnv } from "../broker/broker-env.js";
import type { OpsEnv } from "./ops-env.js";
import type { RoutingTable } from "../config/load-routes.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { AcceptedVia } from "../contracts/event-sink.js";
import type { Outcome } from "../contracts/outcome.js";
import type { PollObserver } from "../contracts/poll-observer.js";
import type { ApiCallStatus } from "../contracts/sync-call.js";
import { alerterOptionsFromEnv, alertFromOutcome, createAlerter, createBurstDetector } from "./alerts/index.js";
import type { DeliveryLogRecorder } from "./delivery-log/index.js";
import { createMetrics, type Metrics, type MetricSources } from "./metrics.js";
import type { TokenStore } from "../contracts/token-store.js";
import { watchTokenExpiry, type TokenExpiryWatch } from "./token-expiry-watch.js";

/** What the spool watch reads of the ingress's event sink (spool/ingress-sink.ts). */
export interface WatchedSink {
  /** `broker`, `spool`, `spool_full`, …: where events go now. */
  readonly state: string;
  depth(): { readonly count: number };
  /** Set while the broker refuses AMQP_URL (credentials, vhost): a mistake waiting will not heal. */
  readonly brokerRefusal: BrokerRefusal | undefined;
}

export interface Operations {
  readonly metrics: Metrics;
  /** Every accepted webhook: the delivery log's receipt. */
  onAccepted(sourceId: string, event: NormalizedEvent, via: AcceptedVia): void;
  /** Every event refused for its request schema (`422`): the delivery log's rejected receipt (metrics count the answer). */
  onSchemaRejected(sourceId: string, event: NormalizedEvent): void;
  /** Every API call answered (or refused for its request schema): the delivery log's receipt, with how it ended. */
  onApiCall(endpointId: string, event: NormalizedEvent, call: ApiCallStatus, routeId: string): void;
  /** Every worker outcome: metrics, the delivery log, and an email for dead letters and credential failures. */
  onOutcome(outcome: Outcome, context: { routeId: string; eventId: string | undefined; attempt: number }): void;
  /** Every failed verification: metrics, and an email when a source sees a burst of them. */
  onVerificationFailure(sourceId: string, reason: string): void;
  /**
   * Starts watching the ingress: an email once it has been spooling longer than the threshold, or
   * at once when the broker refuses AMQP_URL (a configuration error cannot heal by waiting).
   */
  watchSpool(sink: WatchedSink): void;
  /**
   * A worker-only process's connection is refused (credentials, vhost): the same email as the
   * ingress's, at once and then throttled, since nothing else tells anyone its deliveries stopped.
   */
  onWorkersRefused(refusal: BrokerRefusal): void;
  /** The scheduler's polls: metrics, the delivery log's receipts, and a throttled email for a failing poll. */
  readonly polls: PollObserver;
  /**
   * Starts warning before destinations' tokens expire (`token_expiring`, ALERT_TOKEN_EXPIRY_DAYS):
   * checks now and hourly; returns the token store to give the adapters, whose expiry records
   * trigger a check at once.
   */
  watchTokens(tokens: TokenStore): TokenStore;
  close(ms: number): Promise<void>;
}

const SPOOL_CHECK_MS = 15_000;

/**
 * What operators see of the process: metrics, failure emails and the delivery log (when one is
 * given), wired to the events that feed them.
 */
export function createOperations(
  env: OpsEnv & Pick<BrokerEnv, "AMQP_URL">,
  table: RoutingTable,
  logger: Logger,
  sources: MetricSources,
  deliveryLog?: DeliveryLogRecorder,
): Operations {
  const metrics = createMetrics(sources);
  const alerter = createAlerter({ ...alerterOptionsFromEnv(env, logger), journal: deliveryLog?.alertJournal });
  const bursts = createBurstDetector();
  let spoolTimer: NodeJS.Timeout | undefined;
  let tokenWatch: TokenExpiryWatch | undefined;

  const polls: PollObserver = {
    published(sourceId, event, via) {
      deliveryLog?.accepted(sourceId, event, via);
    },
    page(sourceId, items) {
      metrics.pollPage(sourceId, items);
    },
    succeeded(sourceId, run) {
      metrics.pollSucceeded(sourceId, run.at.getTime(), run.highWaterMs);
    },
    failed(sourceId, failure) {
      metrics.pollFailed(sourceId, failure.reason);
      if (!failure.alert) return;
      alerter.notify({
        kind: "poll_failed",
        sourceId,
        reason: failure.reason,
        error: failure.message,
        status: failure.status,
        failingSince: failure.failingSince,
        recipients: table.polls.get(sourceId)?.failureEmails,
      });
    },
  };

  return {
    metrics,
    polls,
    onAccepted(sourceId, event, via) {
      deliveryLog?.accepted(sourceId, event, via);
    },
    onSchemaRejected(sourceId, event) {
      deliveryLog?.rejected(sourceId, event);
    },
    onApiCall(endpointId, event, call, routeId) {
      deliveryLog?.called(endpointId, event, call, routeId);
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
      let peakDepth = 0;
      let alerted = false;
      spoolTimer = setInterval(
        () => {
          const state = sink.state;
          if (state === "broker") {
            // Whoever got "spooling" hears that it is over; a short blip that never alerted stays quiet.
            if (since && alerted) alerter.notify({ kind: "spool_recovered", since, until: new Date(), peakDepth });
            since = undefined;
            peakDepth = 0;
            alerted = false;
            return;
          }
          // A failing spool disk is a problem of its own (/readyz); it neither starts nor ends an outage.
          if (state !== "spool" && state !== "spool_full") return;
          since ??= new Date();
          const depth = sink.depth().count;
          peakDepth = Math.max(peakDepth, depth);
          // The alerter throttles: one email, then at most one digest per window while it lasts.
          const refusal = sink.brokerRefusal;
          if (refusal) {
            // The refusal email says the events are spooled: a "broker unreachable" one would mislead.
            const { failure } = refusal;
            alerter.notify({
              kind: "broker_refused",
              since: refusal.since,
              broker: brokerAddress(env.AMQP_URL),
              code: failure.code,
              detail: failure.message,
              depth,
            });
            alerted = true;
          } else if (Date.now() - since.getTime() >= env.ALERT_SPOOLING_AFTER) {
            alerter.notify({ kind: "spooling", since, depth });
            alerted = true;
          }
        },
        Math.min(SPOOL_CHECK_MS, env.ALERT_SPOOLING_AFTER),
      ).unref();
    },
    onWorkersRefused({ since, failure }) {
      alerter.notify({
        kind: "broker_refused",
        side: "workers",
        since,
        broker: brokerAddress(env.AMQP_URL),
        code: failure.code,
        detail: failure.message,
      });
    },
    watchTokens(tokens) {
      tokenWatch?.stop();
      tokenWatch = watchTokenExpiry({ table, tokens, days: env.ALERT_TOKEN_EXPIRY_DAYS, notify: (alert) => alerter.notify(alert), logger });
      void tokenWatch.checkAll();
      return tokenWatch.tokens;
    },
    async close(ms) {
      clearInterval(spoolTimer);
      tokenWatch?.stop();
      await alerter.close(ms);
    },
  };
}
