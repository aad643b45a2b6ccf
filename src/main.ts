import type { ConfirmChannel } from "amqplib";
import type { Logger } from "pino";
import type { BrokerRefusal } from "./broker/broker-failure.js";
import { declareRouteTopology } from "./broker/route-topology.js";
import type { Env } from "./env.js";
import type { RoutingTable } from "./config/load-routes.js";
import { adminOptionsFromEnv, bindAdminServer, createAdminApp, createDeadLetterService } from "./ops/admin/index.js";
import { listenEarly } from "./lifecycle/listen-early.js";
import { closable, startParts } from "./lifecycle/parts.js";
import { deliveryLogFromEnv } from "./ops/delivery-log/index.js";
import { createOperations } from "./ops/operations.js";
import type { Readiness } from "./ingress/health.js";
import { createIngressHandler, ingressServerOptions } from "./ingress/server.js";
import { sharedRateLimitFromEnv } from "./ingress/shared-rate-limit-env.js";
import { buildPipelines } from "./ingress/source-pipeline.js";
import { createIngressSink, type IngressSink } from "./spool/ingress-sink.js";
import { createClaimStore } from "./state/claim-store.js";
import { createDeliveryStore } from "./state/delivery-store.js";
import { createEchoStore } from "./state/echo-store.js";
import { createLimitStore } from "./state/limit-store.js";
import { createPauseStore } from "./state/pause-store.js";
import { openStateStore } from "./state/open-state-store.js";
import { schedulePrune } from "./state/prune-schedule.js";
import { createSqlTokenStore } from "./state/token-store.js";
import { compileRoutes } from "./mapping/compile-routes.js";
import { startWorkers, type RunningWorkers } from "./worker/start-workers.js";
import { createSyncCaller, type RunningSyncCaller } from "./broker/sync-caller.js";
import { lateWaitMs } from "./ingress/sync-call.js";
import { createIdempotencyStore } from "./state/idempotency-store.js";
import { createPollStore } from "./state/poll-store.js";
import { compilePoll, pollOwner, pollStatuses, startScheduler, type RunningScheduler } from "./poll/index.js";
import { createCallbackStore } from "./state/callback-store.js";

/**
 * `all` runs everything in one process; `ingress`, `worker` and `scheduler` (the polling sources)
 * split them for scale.
 */
export type Role = "all" | "ingress" | "worker" | "scheduler";

export interface RouterOptions {
  readonly env: Env;
  readonly table: RoutingTable;
  readonly logger: Logger;
  /** @defaultValue "all" */
  readonly role?: Role;
}

export interface RunningRouter {
  /** The port actually bound (useful with PORT=0). */
  readonly port: number;
  /** The admin API's port (ADMIN_PORT=0 picks one); undefined when it is off or could not listen. */
  readonly adminPort: number | undefined;
  /** Graceful stop: refuse new work, finish in-flight requests and deliveries, close the broker. */
  close(): Promise<void>;
}

/**
 * Shutdown, stage by stage: stop taking requests; stop the polls between pages (their sink is still
 * open, so a page in hand is published and committed); let the ingress sink, the workers and the admin
 * API finish what they hold (together); stop pruning; send the last alerts (while the store is open,
 * so the alerts journal records them); write the delivery log's last outcomes and journal rows;
 * close the database. Each part below names the stage it closes in.
 */
const SHUTDOWN_STAGES = ["requests", "polls", "work", "pruning", "alerts", "delivery log", "database"] as const;

/** How long the start waits for RATE_LIMIT_REDIS_URL to connect before going on without it. */
const SHARED_LIMIT_CONNECT_WAIT_MS = 1_000;

/**
 * Composition root: routing table → ports → broker → HTTP and workers, started one part after the
 * other. The ports are bound first: a port in use stops the start before anything connects or
 * consumes. Any later failure closes what had started, in reverse, before the error goes up.
 */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { env, table, logger } = options;
  const role = options.role ?? "all";
  const runsIngress = role === "all" || role === "ingress";
  const runsWorkers = role === "all" || role === "worker";
  const runsScheduler = role === "all" || role === "scheduler";
  // Checked before anything connects: an admin API exposed without a token stops the start.
  const admin = adminOptionsFromEnv(env);
  // Compiled whatever the role, so a broken mapping stops every process at start, not at first use.
  const compiled = compileRoutes(table);
  const polls = [...table.polls.values()].filter((poll) => poll.enabled).map(compilePoll);
  const scheduling = runsScheduler && polls.length > 0;
  // Not connected yet (that is a part below): the pipelines only need its counters.
  const sharedLimit = runsIngress ? await sharedRateLimitFromEnv(env, logger) : undefined;
  const pipelines = runsIngress ? buildPipelines(table, sharedLimit?.hitsFor) : new Map();
  const needsStore = runsWorkers && compiled.size > 0;
  // API endpoints' Idempotency-Keys are kept in the state store, so an ingress with endpoints opens it.
  const endpoints = runsIngress ? [...table.sources.values()].flatMap((source) => (source.api ? [source.api] : [])) : [];
  const limits = { headersTimeoutMs: env.HEADERS_TIMEOUT_MS, requestTimeoutMs: env.REQUEST_TIMEOUT_MS, unverifiedBytesMax: env.UNVERIFIED_BYTES_MAX };
  // The ingress declares the route queues too: an event accepted before any worker has started must
  // find its queue, or RabbitMQ would drop it as unroutable.
  const declareTopology = async (channel: ConfirmChannel) => {
    for (const { route } of compiled.values()) await declareRouteTopology(channel, env.AMQP_EXCHANGE, env.QUEUE_PREFIX, route);
  };
  let shuttingDown = false;

  const { made, shutdown } = await startParts({ stages: SHUTDOWN_STAGES, logger }, async (part) => {
    const publicPort = await part("public port", "requests", async () => {
      const bound = await listenEarly(env.PORT, env.HOST, { port: "PORT", host: "HOST" }, ingressServerOptions(limits));
      const close = (ms: number) => {
        shuttingDown = true;
        return bound.close(ms);
      };
      return { value: bound, close };
    });
    const adminPort = admin ? await part("admin API", "work", async () => closable(await bindAdminServer(admin, logger))) : undefined;
    // Before the sink: a request that finds Redis not connected yet counts in this process alone.
    if (sharedLimit)
      await part("rate limit store", "work", async () => {
        await sharedLimit.connect(SHARED_LIMIT_CONNECT_WAIT_MS);
        return { value: sharedLimit, close: () => sharedLimit.close() };
      });
    // The polls publish through the same sink as webhooks: broker confirms, the spool behind it.
    const sink =
      runsIngress || scheduling
        ? await part("ingress sink", "work", async () => closable(await createIngressSink(env, logger, declareTopology)))
        : undefined;
    // API endpoints' calls: one direct reply-to channel for the process.
    const syncCaller =
      endpoints.length > 0
        ? await part("sync calls", "work", async () =>
            closable(
              await createSyncCaller({
                url: env.AMQP_URL,
                queuePrefix: env.QUEUE_PREFIX,
                confirmTimeoutMs: env.PUBLISH_TIMEOUT_MS,
                lateWaitMs: Math.max(...endpoints.map(lateWaitMs)),
                logger,
              }),
            ),
          )
        : undefined;
    const db = await part("state store", "database", async () => {
      // The admin API pauses and resumes routes in the store, so it is opened for it too (not required).
      const optional = env.DELIVERY_LOG || (admin !== undefined && compiled.size > 0);
      const need = needsStore ? "workers" : endpoints.length > 0 ? "api endpoints" : scheduling ? "polls" : optional ? "delivery log" : "nobody";
      const opened = await openStateStore(env, need, logger);
      return { value: opened, close: () => opened?.destroy() };
    });
    // The last outcomes wait in the log's queue: its stage comes before the database's.
    const deliveryLog = await part("delivery log", "delivery log", () => {
      const log = deliveryLogFromEnv(db, env, table, logger);
      return { value: log, close: (ms: number) => log?.close(ms) };
    });
    const idempotency = db && endpoints.length > 0 ? await createIdempotencyStore(db, env.DATABASE_URL ? "postgres" : "sqlite") : undefined;
    const pauses = db ? createPauseStore(db) : undefined;
    let workers: RunningWorkers | undefined;
    const deadLetterDepth = runsWorkers ? () => workers?.deadLetterDepth() ?? Promise.resolve(new Map<string, number>()) : undefined;
    const waitingDepth = runsWorkers ? () => workers?.waitingDepth() ?? Promise.resolve(new Map<string, number>()) : undefined;
    const depths = {
      ...(sink ? { spoolDepth: () => sink.depth() } : {}),
      ...(deadLetterDepth && waitingDepth ? { deadLetterDepth, waitingDepth, routePaused: () => workers?.paused ?? new Map<string, boolean>() } : {}),
      ...(sharedLimit ? { rateLimitFallbacks: () => sharedLimit.fallbacks } : {}),
    };
    const ops = await part("operations", "alerts", () => closable(createOperations(env, table, logger, depths, deliveryLog)));
    if (sink) ops.watchSpool(sink);
    const pollStore = db && table.polls.size > 0 ? createPollStore(db) : undefined;
    let scheduler: RunningScheduler | undefined;
    if (scheduling && pollStore && sink) {
      scheduler = await part("scheduler", "polls", () =>
        closable(startScheduler({ polls, store: pollStore, sink, observer: ops.polls, logger, owner: pollOwner(), leaseTtlMs: env.POLL_LEASE_TTL })),
      );
    }
    if (db && needsStore) {
      const store = createDeliveryStore(db);
      const claims = createClaimStore(db);
      const answersCallbacks = [...table.sources.values()].some((source) => source.api?.mode === "async");
      const callbacks = answersCallbacks ? await createCallbackStore(db, env.DATABASE_URL ? "postgres" : "sqlite") : undefined;
      const echoes = createEchoStore(db);
      await part("pruning", "pruning", () => {
        const stop = schedulePrune(store, claims, env.DEDUP_RETENTION, logger, echoes);
        return { value: stop, close: stop };
      });
      workers = await part("workers", "work", async () => {
        const running = await startWorkers({
          env,
          table,
          compiled,
          logger,
          store,
          claims,
          limits: createLimitStore(db),
          tokens: ops.watchTokens(createSqlTokenStore(db)),
          callbacks,
          echoes,
          pauses: pauses!,
          onOutcome: (outcome, context) => ops.onOutcome(outcome, context),
          // With an ingress in the process, its own refusal email already says the workers wait.
          ...(sink ? {} : { onBrokerRefused: (refusal: BrokerRefusal) => ops.onWorkersRefused(refusal) }),
        });
        return closable(running);
      });
    }

    const processReadiness = readiness(
      sink,
      () => workers,
      runsWorkers,
      () => sharedLimit?.problems ?? [],
      syncCaller && { caller: syncCaller, withWebhooks: [...pipelines.values()].some((pipeline) => !pipeline.source.api) },
    );
    const ingress = createIngressHandler({
      pipelines,
      sink,
      readiness: processReadiness,
      metrics: ops.metrics,
      onVerificationFailure: (sourceId, reason) => ops.onVerificationFailure(sourceId, reason),
      onAccepted: (sourceId, event, via) => ops.onAccepted(sourceId, event, via),
      onSchemaRejected: (sourceId, event) => ops.onSchemaRejected(sourceId, event),
      onApiCall: (endpointId, event, call, routeId) => ops.onApiCall(endpointId, event, call, routeId),
      logger,
      trustProxy: env.TRUST_PROXY,
      isShuttingDown: () => shuttingDown,
      limits,
      syncCaller,
      idempotency,
    });
    publicPort.server.on("clientError", ingress.clientError);
    publicPort.serve(ingress.request);
    if (adminPort) {
      const deadLetters = createDeadLetterService({
        amqpUrl: env.AMQP_URL,
        connectionName: "webhook-router admin",
        queuePrefix: env.QUEUE_PREFIX,
        routeIds: [...table.routes.keys()],
        onReplayed: (routeId, eventId, at) => deliveryLog?.replayed(routeId, eventId, at),
      });
      const docs = { exchange: env.AMQP_EXCHANGE, queuePrefix: env.QUEUE_PREFIX, port: publicPort.port };
      const pollStatus = pollStore ? () => pollStatuses(table.polls, pollStore, () => scheduler?.running() ?? new Set()) : undefined;
      const adminReadiness = {
        get ready() {
          return processReadiness.ready && !shuttingDown;
        },
        report: () => ({ ...processReadiness.report(), ...(shuttingDown ? { events: "shutting_down" } : {}) }),
      };
      const pauseControl = pauses && { store: pauses, changed: () => workers?.refreshPauses() ?? Promise.resolve() };
      adminPort.serve(
        createAdminApp({
          table,
          log: deliveryLog,
          deadLetters,
          deadLetterDepth,
          polls: pollStatus,
          token: admin?.token,
          readiness: adminReadiness,
          trustProxy: env.TRUST_PROXY,
          waitingDepth,
          pauses: pauseControl,
          logger,
          docs,
        }),
      );
    }
    return { port: publicPort.port, adminPort: adminPort?.port };
  });

  logger.info(
    {
      port: made.port,
      host: env.HOST,
      role,
      sources: [...pipelines.keys()],
      polls: scheduling ? polls.map((poll) => poll.source.id) : [],
      routes: [...compiled.keys()],
      exchange: env.AMQP_EXCHANGE,
    },
    "webhook-router started",
  );
  let closing: Promise<void> | undefined;
  return {
    ...made,
    close() {
      closing ??= (async () => {
        logger.info("shutting down: finishing in-flight requests and deliveries");
        await shutdown(env.SHUTDOWN_TIMEOUT_MS);
        logger.info("shut down cleanly");
      })();
      return closing;
    },
  };
}

/**
 * What an operator must look at in a worker-only process. (With an ingress, its own connection is
 * refused alike and listed already.)
 */
function workerProblems(workers: RunningWorkers | undefined): Array<{ code: "broker_refused"; message: string; at: string }> {
  const refusal = workers?.brokerRefusal;
  if (!refusal) return [];
  return [{ code: "broker_refused", message: `${refusal.failure.message}; the workers deliver nothing meanwhile`, at: refusal.since.toISOString() }];
}

/** The API endpoints' direct reply-to channel, and whether the same process takes webhooks too. */
interface SyncCalls {
  readonly caller: RunningSyncCaller;
  readonly withWebhooks: boolean;
}

/** The sync-call channel down: listed while it is, since every API call is refused meanwhile. */
function syncCallProblems(sync: SyncCalls | undefined): Array<{ code: "sync_calls_down"; message: string; at: string }> {
  const since = sync?.caller.downSince;
  if (!since) return [];
  const message = "no channel to the broker for API calls (direct reply-to): every POST /api/… answers 503 until it reconnects";
  return [{ code: "sync_calls_down", message, at: since.toISOString() }];
}

/**
 * A process that takes webhooks is ready while the broker or the spool can hold events (workers
 * being disconnected does not stop it taking them); a worker-only process is ready while consuming.
 * A process with API endpoints is not ready while its sync-call channel is down — unless the broker
 * itself is unreachable and the spool takes this process's webhooks: every replica is then alike,
 * and leaving rotation would only refuse webhooks the spool can keep.
 */
function readiness(
  sink: IngressSink | undefined,
  workers: () => RunningWorkers | undefined,
  runsWorkers: boolean,
  limitProblems: () => readonly object[],
  sync?: SyncCalls,
): Readiness {
  const workerState = () => {
    const running = workers();
    if (!runsWorkers) return {};
    return { workers: running === undefined ? "no_routes" : running.consuming ? "consuming" : "disconnected" };
  };
  return {
    get ready() {
      const taking = sink ? sink.ready : (workers()?.consuming ?? true);
      if (!taking || !sync || sync.caller.ready) return taking;
      return sync.withWebhooks && sink !== undefined && sink.state !== "broker";
    },
    report: () => ({
      ...(sink
        ? { events: sink.state, spool: sink.depth(), problems: [...sink.problems, ...limitProblems(), ...syncCallProblems(sync)] }
        : { problems: workerProblems(workers()) }),
      ...workerState(),
    }),
  };
}
