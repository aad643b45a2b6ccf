import type { Logger } from "pino";
import { routePause, type PauseStore, type RoutePause } from "../state/pause-store.js";

export interface PauseWatchOptions {
  readonly store: PauseStore;
  /** The routes this process consumes, with the destination each delivers to. */
  readonly routes: ReadonlyArray<{ readonly id: string; readonly destination: string }>;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Told when a route becomes paused (`pause` set) or resumed (undefined). */
  readonly onChange: (routeId: string, pause: RoutePause | undefined) => void;
}

export interface PauseWatch {
  /** The pause holding `routeId` as last read, if any. */
  current(routeId: string): RoutePause | undefined;
  /** Each route's state as last read: true while paused. */
  readonly states: ReadonlyMap<string, boolean>;
  /** Reads the store now (after a change made in this process: no need to wait for the next poll). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Polls the pauses table and tells of each route whose state changed. Polling, not a broadcast:
 * the table is the truth every process must agree on (a restart reads it, a process that missed a
 * message while reconnecting would not), and one read of a handful of rows a second costs nothing.
 * The first read happens before this resolves, so a worker starting while its route is paused
 * never consumes. A failed read keeps the last state: a store outage neither pauses nor resumes.
 */
export async function startPauseWatch(options: PauseWatchOptions): Promise<PauseWatch> {
  const { store, routes, logger } = options;
  const held = new Map<string, RoutePause>();
  let failing = false;
  let reading: Promise<void> | undefined;
  let again: Promise<void> | undefined;

  const read = async () => {
    const pauses = await store.list();
    for (const route of routes) {
      const next = routePause(pauses, route.id, route.destination);
      const before = held.get(route.id);
      if (next) held.set(route.id, next);
      else held.delete(route.id);
      if (!same(before, next)) options.onChange(route.id, next);
    }
  };
  // One read at a time: a slow store must not stack reads, nor apply an older one after a newer.
  const refresh = (): Promise<void> => {
    // A read already under way may have started before the change the caller just made: read once more after it.
    if (reading) {
      again ??= reading.then(() => {
        again = undefined;
        return refresh();
      });
      return again;
    }
    reading = read()
      .then(() => {
        if (failing) logger.info("pauses readable again");
        failing = false;
      })
      .catch((error: Error) => {
        if (!failing) logger.warn({ err: error.message }, "cannot read the pauses from the state store; keeping the last known state");
        failing = true;
      })
      .finally(() => (reading = undefined));
    return reading;
  };

  await read();
  const timer = setInterval(() => void refresh(), options.intervalMs).unref();
  return {
    current: (routeId) => held.get(routeId),
    get states() {
      return new Map(routes.map((route) => [route.id, held.has(route.id)]));
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}

function same(a: RoutePause | undefined, b: RoutePause | undefined): boolean {
  if (!a || !b) return a === b;
  return a.pausedBy === b.pausedBy && a.reason === b.reason && a.pausedAt === b.pausedAt;
}
