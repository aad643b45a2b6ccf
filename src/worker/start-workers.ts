import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Channel, ChannelModel } from "amqplib";
import type { Logger } from "pino";
import { createAdapter } from "../adapters/index.js";
import { destinationLimits } from "../adapters/limits.js";
import type { Adapter } from "../adapters/port.js";
import type { TokenStore } from "../contracts/token-store.js";
import { nextRefusal, type BrokerRefusal } from "../broker/broker-failure.js";
import { connectBroker, openConnection, watchChannel } from "../broker/connection.js";
import { CALLBACK_ATTEMPTS, declareRouteTopology, routeQueues } from "../broker/route-topology.js";
import type { BrokerEnv } from "../broker/broker-env.js";
import type { WorkerEnv } from "./worker-env.js";
import type { RoutingTable } from "../config/load-routes.js";
import type { ClaimStore } from "../state/claim-store.js";
import type { DeliveryStore } from "../state/delivery-store.js";
import type { LimitStore } from "../state/limit-store.js";
import type { CallbackStore } from "../state/callback-store.js";
import type { CompiledRoute } from "../mapping/compile-route.js";
import { createDestinationLimiter, type DestinationLimiter } from "./destination-limiter.js";
import { createEnricher } from "./enrich.js";
import { RouteWorker, type RouteWorkerDeps } from "./route-worker.js";
import type { CallbackSettings } from "./callback-post.js";

export interface WorkerOptions {
  readonly env: Pick<BrokerEnv, "AMQP_URL" | "AMQP_EXCHANGE" | "QUEUE_PREFIX"> & WorkerEnv;
  readonly table: RoutingTable;
  readonly compiled: ReadonlyMap<string, CompiledRoute>;
  readonly logger: Logger;
  readonly store: DeliveryStore;
  readonly claims: ClaimStore;
  /** Where destination limits are held across workers. */
  readonly limits: LimitStore;
  readonly tokens: TokenStore;
  /** Where asynchronous calls' results wait until their callback is settled; needed when a route answers an async endpoint. */
  readonly callbacks?: CallbackStore | undefined;
  readonly onOutcome?: RouteWorkerDeps["onOutcome"];
  /** Told each time the broker refuses AMQP_URL (again), with when the refusal began. */
  readonly onBrokerRefused?: (refusal: BrokerRefusal) => void;
}

export interface RunningWorkers {
  /** True while connected with every route consuming. */
  readonly consuming: boolean;
  /** Set while the broker refuses AMQP_URL: the workers deliver nothing until it is fixed. */
  readonly brokerRefusal: BrokerRefusal | undefined;
  /** Messages waiting in each route's dead-letter queue, asked of the broker now. */
  deadLetterDepth(): Promise<ReadonlyMap<string, number>>;
  close(ms: number): Promise<void>;
}

/** Fallback when a destination sets no timeout of its own. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * How long a delivery waits in the process for its turn under a destination's limits before it
 * is held back in the queue. It waits holding its claim, so at most half the claim's margin.
 */
const MAX_LIMIT_WAIT_MS = 10_000;

/**
 * The worker role: one consumer per route. Topology and consumers are (re)created in the
 * connection's setup, so they come back by themselves after every reconnect.
 */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const { env, table, logger } = options;
  const adapters = new Map<string, Adapter>();
  for (const destination of table.destinations.values()) {
    adapters.set(
      destination.id,
      createAdapter(destination.id, destination, { logger, amqpUrl: env.AMQP_URL, openAmqp: openConnection, tokens: options.tokens }),
    );
  }
  // One limiter per destination, shared by its routes: their deliveries queue for one budget.
  const limiters = new Map<string, DestinationLimiter | undefined>();
  const maxWaitMs = Math.min(MAX_LIMIT_WAIT_MS, env.CLAIM_LEASE_MARGIN / 2);
  const limiterFor = (id: string, leaseMs: number) => {
    if (!limiters.has(id)) {
      const limits = destinationLimits(id, table.destinations.get(id)!);
      limiters.set(id, limits && createDestinationLimiter(options.limits, limits, { leaseMs, maxWaitMs }));
    }
    return limiters.get(id);
  };
  // This process in the claim rows: which machine and pid holds an event, for whoever looks.
  // A lease is the attempt's timeouts (enrichment steps, then the target) plus CLAIM_LEASE_MARGIN,
  // which covers the rest: JSONata, the dedup record's commit (SQLite may wait out its 5 s busy
  // timeout), event-loop lag. A claim that expires while its owner still works lets a second
  // delivery start; a long one only delays the recovery from a crashed owner.
  const owner = `${hostname().slice(0, 200)}/${process.pid}/${randomBytes(4).toString("hex")}`;
  const routes = [...options.compiled.values()].map((compiled) => {
    const destination = table.destinations.get(compiled.route.destination)!;
    const timeoutMs = (destination as { timeoutMs?: number }).timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const enrichMs = compiled.route.enrich.reduce((sum, step) => sum + step.timeout, 0);
    const leaseMs = enrichMs + timeoutMs + env.CLAIM_LEASE_MARGIN;
    return {
      compiled,
      adapter: adapters.get(destination.id)!,
      // Taken after enrichment: a turn's lease is the call's timeout and the margin.
      limiter: limiterFor(destination.id, timeoutMs + env.CLAIM_LEASE_MARGIN),
      enrich: createEnricher(compiled.route.id, compiled.route.enrich),
      timeoutMs,
      claims: { store: options.claims, owner, leaseMs },
      callback: callbackSettings(table, compiled.route, timeoutMs),
      callbacks: options.callbacks,
    };
  });

  let workers: RouteWorker[] = [];
  let consuming = false;
  let current: ChannelModel | undefined;
  let refusal: BrokerRefusal | undefined;
  const setup = async (model: ChannelModel) => {
    const started: RouteWorker[] = [];
    current = model;
    for (const route of routes) {
      const channel = await model.createConfirmChannel();
      watchChannel(channel, logger, `route ${route.compiled.route.id}`);
      const queues = await declareRouteTopology(channel, env.AMQP_EXCHANGE, env.QUEUE_PREFIX, route.compiled.route);
      const worker = new RouteWorker(
        { ...route, store: options.store, queues, logger, ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}) },
        channel,
      );
      await worker.start();
      started.push(worker);
    }
    workers = started;
    consuming = true;
    logger.info({ routes: routes.map((r) => r.compiled.route.id) }, "workers consuming");
  };
  const connection = await connectBroker({
    url: env.AMQP_URL,
    name: "workers",
    logger,
    setup,
    onDisconnect: () => {
      consuming = false;
      workers = [];
      current = undefined;
    },
    onConnectFailure: (failure) => {
      refusal = nextRefusal(refusal, failure);
      if (refusal) options.onBrokerRefused?.(refusal);
    },
  });

  return {
    get consuming() {
      return consuming || routes.length === 0;
    },
    get brokerRefusal() {
      return refusal;
    },
    async deadLetterDepth() {
      const depths = new Map<string, number>();
      if (!current) return depths;
      // A channel of its own per question: a failed check (queue deleted by hand) closes only it.
      const channel: Channel = await current.createChannel();
      watchChannel(channel, logger, "stats");
      try {
        for (const { compiled } of routes) {
          const { messageCount } = await channel.checkQueue(routeQueues(env.QUEUE_PREFIX, compiled.route.id).dead);
          depths.set(compiled.route.id, messageCount);
        }
      } finally {
        await channel.close().catch(() => {});
      }
      return depths;
    },
    async close(ms) {
      await Promise.all(workers.map((worker) => worker.stop(ms)));
      consuming = false;
      await connection.close().catch(() => {});
      await Promise.all([...adapters.values()].map((adapter) => adapter.close?.().catch(() => {})));
    },
  };
}

/** The callback of the asynchronous endpoint a sync route answers, if it answers one. */
function callbackSettings(table: RoutingTable, route: CompiledRoute["route"], timeoutMs: number): CallbackSettings | undefined {
  if (!route.sync) return undefined;
  for (const source of table.sources.values()) {
    const callback = source.api?.route === route.id ? source.api.callback : undefined;
    if (!callback) continue;
    const backoff = { baseMs: route.retry.baseDelay, maxMs: route.retry.maxDelay, jitter: route.retry.jitter };
    return {
      secret: callback.secret,
      timeoutMs,
      attempts: CALLBACK_ATTEMPTS,
      backoff,
      publicOnly: !callback.allowPrivate,
      configuredUrl: callback.url,
    };
  }
  return undefined;
}
