import type { RequestHandler } from "express";
import { z } from "zod";
import type { RoutingTable, Source } from "../../config/load-routes.js";
import type { PollStatus } from "../../contracts/poll-status.js";
import { emptyCounts, emptySourceCounts, pointInTime, type DeliveryLog } from "../delivery-log/index.js";
import { type Pause, routePause, type PauseStore } from "../../state/pause-store.js";
import { parseInput } from "./parse-input.js";

export interface StatusDeps {
  readonly table: RoutingTable;
  readonly log: DeliveryLog | undefined;
  /** Present where the worker role runs: each route's dead-letter queue depth, from the broker. */
  readonly deadLetterDepth?: (() => Promise<ReadonlyMap<string, number>>) | undefined;
  /** Present where the worker role runs: each route queue's ready messages, from the broker. */
  readonly waitingDepth?: (() => Promise<ReadonlyMap<string, number>>) | undefined;
  /** Where the state store is open: the pauses every worker process applies. */
  readonly pauses?: PauseStore | undefined;
  /** Each polling source's state (lease, cursor, last run), from the state store. */
  readonly polls?: (() => Promise<readonly PollStatus[]>) | undefined;
}

/** Counts cover the events received in the last day unless `since` says otherwise. */
const DEFAULT_WINDOW_MS = 86_400_000;

/**
 * `GET /status`: every configured source and route with its counts from the delivery log, and
 * per route the dead-letter queue's depth (null where this process runs no workers, or the
 * broker cannot be asked right now); every destination with its own pause; every polling source's
 * lease, cursor and last run.
 */
export function statusRoute(deps: StatusDeps): RequestHandler {
  return async (request, response) => {
    const { since = Date.now() - DEFAULT_WINDOW_MS } = parseInput(z.object({ since: pointInTime().optional() }).strict(), request.query);
    const [counts, depths, waiting, pauses, polls] = await Promise.all([
      deps.log?.counts(since),
      deps.deadLetterDepth?.().catch(() => undefined),
      deps.waitingDepth?.().catch(() => undefined),
      deps.pauses?.list() ?? [],
      deps.polls?.().catch(() => undefined),
    ]);
    response.json({
      since: new Date(since).toISOString(),
      deliveryLog: deps.log ? logInfo(deps.log) : null,
      sources: [
        ...[...deps.table.sources.values()].map((source) => ({
          id: source.id,
          ...sourceKind(source),
          ...(counts?.sources.get(source.id) ?? emptySourceCounts()),
        })),
        // A polling source's items are receipts of it in the delivery log, counted like a webhook's.
        ...[...deps.table.polls.keys()].map((id) => ({
          id,
          kind: "poll" as const,
          api: null,
          ...(counts?.sources.get(id) ?? emptySourceCounts()),
        })),
      ],
      routes: [...deps.table.routes.values()].map((route) => ({
        id: route.id,
        destination: route.destination,
        events: route.events,
        ...(counts?.routes.get(route.id) ?? emptyCounts()),
        deadLetterDepth: depths?.get(route.id) ?? null,
        ...pauseFields(routePause(pauses, route.id, route.destination)),
        waiting: waiting?.get(route.id) ?? null,
      })),
      destinations: [...deps.table.destinations.keys()].map((id) => destinationFields(id, deps.table, pauses)),
      // Null where the state store cannot be read from this process; [] without polling sources.
      polls: deps.table.polls.size === 0 ? [] : (polls ?? null),
    });
  };
}

/** A webhook source, or an API endpoint (`POST /api/{id}`) answering with a route: the console tags those (and polling sources). */
function sourceKind(source: Source) {
  return source.api ? { kind: "api" as const, api: { route: source.api.route, mode: source.api.mode } } : { kind: "webhook" as const, api: null };
}

/**
 * A destination's own pause, which a route's `pausedBy` cannot always show: a route paused on its
 * own reports that pause first, even while its destination is paused too.
 */
function destinationFields(id: string, table: RoutingTable, pauses: readonly Pause[]) {
  const pause = pauses.find((entry) => entry.kind === "destination" && entry.id === id);
  return {
    id,
    routes: [...table.routes.values()].filter((route) => route.destination === id).map((route) => route.id),
    paused: pause !== undefined,
    pauseReason: pause?.reason ?? null,
    pausedAt: pause ? new Date(pause.pausedAt).toISOString() : null,
  };
}

function pauseFields(pause: ReturnType<typeof routePause>) {
  return {
    paused: pause !== undefined,
    pausedBy: pause?.pausedBy ?? null,
    pauseReason: pause?.reason ?? null,
    pausedAt: pause ? new Date(pause.pausedAt).toISOString() : null,
  };
}

/** Where the log is kept and how its write queue is doing (dropped or failed rows mean gaps). */
function logInfo(log: DeliveryLog) {
  const { engine, retentionMs, payloads, writer } = log.info;
  return { engine, retentionMs, payloads, ...writer };
}
