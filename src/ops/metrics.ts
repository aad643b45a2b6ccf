import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Outcome } from "../contracts/outcome.js";

/** What the process can tell about itself when scraped (each optional: roles differ). */
export interface MetricSources {
  /** Events waiting in the local spool. */
  readonly spoolDepth?: () => { count: number; bytes: number };
  /** Messages in each route's dead-letter queue, asked of the broker at scrape time. */
  readonly deadLetterDepth?: () => Promise<ReadonlyMap<string, number>>;
  /** Messages ready in each route's queue, asked of the broker at scrape time. */
  readonly waitingDepth?: () => Promise<ReadonlyMap<string, number>>;
  /** Each route's pause as this process applies it. */
  readonly routePaused?: () => ReadonlyMap<string, boolean>;
  /** Rate-limit checks counted in this process alone, the shared store (RATE_LIMIT_REDIS_URL) not answering. */
  readonly rateLimitFallbacks?: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** One answered webhook. `source` must be a configured id (or "unknown"): labels stay bounded. */
  webhook(source: string, status: number, reason: string, seconds: number): void;
  /** Any other answer of the ingress port (health, 404, 405, timeouts): counted, no latency. */
  answered(source: string, status: number, reason: string): void;
  verificationFailure(source: string, reason: string): void;
  delivery(routeId: string, outcome: Outcome): void;
  /** A polling source's page committed with `items` new items. */
  pollPage(source: string, items: number): void;
  /** A run that completed at `at` (epoch ms), the newest `modified` seen so far. */
  pollSucceeded(source: string, at: number, highWaterMs: number | undefined): void;
  pollFailed(source: string, reason: string): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const TARGET_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus metrics: our own series prefixed `webhook_router_`; prom-client's default process and
 * Node.js metrics under their standard names (`process_cpu_seconds_total`,
 * `nodejs_eventloop_lag_seconds`, …), which stock dashboards and alerts expect. Labels are sources, routes, statuses and reason
 * words — never event ids or URLs — so the number of series is bounded by the routing table.
 */
export function createMetrics(sources: MetricSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: "webhook_router_requests_total",
    help: 'Requests answered by the ingress port, by source ("-" outside /webhooks/), HTTP status and reason (accepted, ok or the error code).',
    labelNames: ["source", "status", "reason"] as const,
    registers,
  });
  const verification = new Counter({
    name: "webhook_router_verification_failures_total",
    help: "Requests that failed signature/secret verification, by source and reason.",
    labelNames: ["source", "reason"] as const,
    registers,
  });
  const ackLatency = new Histogram({
    name: "webhook_router_ack_duration_seconds",
    help: "Time from request start to the answer (for 202: until the broker confirmed or the spool fsync'd).",
    labelNames: ["source", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const deliveries = new Counter({
    name: "webhook_router_deliveries_total",
    help: "Processed messages by route and outcome: delivered, duplicate, filtered, echo, retry, dead.",
    labelNames: ["route", "outcome"] as const,
    registers,
  });
  const attempts = new Counter({
    name: "webhook_router_delivery_attempts_total",
    help: "Calls made to targets (and enrichment), by route.",
    labelNames: ["route"] as const,
    registers,
  });
  const deadLettered = new Counter({
    name: "webhook_router_dead_lettered_total",
    help: "Events sent to a dead-letter queue by this process, by route and reason.",
    labelNames: ["route", "reason"] as const,
    registers,
  });
  const targetLatency = new Histogram({
    name: "webhook_router_target_duration_seconds",
    help: "Time the target (with enrichment) took per attempt, by route and outcome.",
    labelNames: ["route", "outcome"] as const,
    buckets: TARGET_BUCKETS,
    registers,
  });
  if (sources.spoolDepth) {
    const depth = sources.spoolDepth;
    new Gauge({
      name: "webhook_router_spool_events",
      help: "Events in the local spool.",
      registers,
      collect() {
        this.set(depth().count);
      },
    });
    new Gauge({
      name: "webhook_router_spool_bytes",
      help: "Bytes of events in the local spool.",
      registers,
      collect() {
        this.set(depth().bytes);
      },
    });
  }
  if (sources.deadLetterDepth) {
    const depth = sources.deadLetterDepth;
    new Gauge({
      name: "webhook_router_dead_letter_depth",
      help: "Messages waiting in each route's dead-letter queue (asked of the broker at scrape time).",
      labelNames: ["route"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [route, count] of await depth().catch(() => new Map<string, number>())) this.set({ route }, count);
      },
    });
  }
  if (sources.waitingDepth) {
    const depth = sources.waitingDepth;
    new Gauge({
      name: "webhook_router_route_waiting",
      help: "Messages ready in each route's queue, waiting to be consumed (asked of the broker at scrape time); grows while a route is paused.",
      labelNames: ["route"] as const,
      registers,
      async collect() {
        this.reset();
        for (const [route, count] of await depth().catch(() => new Map<string, number>())) this.set({ route }, count);
      },
    });
  }
  if (sources.routePaused) {
    const paused = sources.routePaused;
    new Gauge({
      name: "webhook_router_route_paused",
      help: "1 while the route is paused (by itself or its destination) and this process does not consume its queue, else 0.",
      labelNames: ["route"] as const,
      registers,
      collect() {
        this.reset();
        for (const [route, held] of paused()) this.set({ route }, held ? 1 : 0);
      },
    });
  }

  if (sources.rateLimitFallbacks) {
    const fallbacks = sources.rateLimitFallbacks;
    let counted = 0;
    new Counter({
      name: "webhook_router_rate_limit_fallbacks_total",
      help: "Rate-limit checks this process counted alone because the shared store (RATE_LIMIT_REDIS_URL) did not answer in time.",
      registers,
      collect() {
        const now = fallbacks();
        this.inc(now - counted);
        counted = now;
      },
    });
  }

  const pollItems = new Counter({
    name: "webhook_router_poll_items_total",
    help: "Items a polling source published (already published ones, from an overlapping window, not counted), by source.",
    labelNames: ["source"] as const,
    registers,
  });
  const pollPages = new Counter({
    name: "webhook_router_poll_pages_total",
    help: "Pages a polling source read and committed, by source.",
    labelNames: ["source"] as const,
    registers,
  });
  const pollFailures = new Counter({
    name: "webhook_router_poll_failures_total",
    help: "Poll runs that failed, by source and reason (credentials, response, http, timeout, network, broker).",
    labelNames: ["source", "reason"] as const,
    registers,
  });
  const pollSuccess = new Gauge({
    name: "webhook_router_poll_last_success_timestamp_seconds",
    help: "When each polling source last completed a run (unix seconds), as seen by this process.",
    labelNames: ["source"] as const,
    registers,
  });
  const highWater = new Map<string, number>();
  new Gauge({
    name: "webhook_router_poll_lag_seconds",
    help: "Seconds between the newest `modified` a polling source has seen and now, as of its last run in this process.",
    labelNames: ["source"] as const,
    registers,
    collect() {
      const now = Date.now();
      for (const [source, ms] of highWater) this.set({ source }, Math.max(0, (now - ms) / 1000));
    },
  });

  return {
    registry,
    pollPage(source, items) {
      pollPages.inc({ source });
      pollItems.inc({ source }, items);
    },
    pollSucceeded(source, at, highWaterMs) {
      pollSuccess.set({ source }, at / 1000);
      if (highWaterMs !== undefined) highWater.set(source, highWaterMs);
    },
    pollFailed(source, reason) {
      pollFailures.inc({ source, reason });
    },
    webhook(source, status, reason, seconds) {
      requests.inc({ source, status: String(status), reason });
      ackLatency.observe({ source, status: String(status) }, seconds);
    },
    answered(source, status, reason) {
      requests.inc({ source, status: String(status), reason });
    },
    verificationFailure(source, reason) {
      verification.inc({ source, reason });
    },
    delivery(route, outcome) {
      deliveries.inc({ route, outcome: outcome.kind });
      if (outcome.kind === "dead") deadLettered.inc({ route, reason: outcome.reason });
      if ("targetMs" in outcome && outcome.targetMs !== undefined) {
        attempts.inc({ route });
        targetLatency.observe({ route, outcome: outcome.kind }, outcome.targetMs / 1000);
      }
    },
  };
}
