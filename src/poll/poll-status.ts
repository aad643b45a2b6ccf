import type { PollSource } from "../config/load-routes.js";
import type { PollStatus } from "../contracts/poll-status.js";
import type { PollState, PollStore } from "../state/poll-store.js";

/** Every configured polling source as /status shows it, from the state store (shared by every process). */
export async function pollStatuses(
  polls: ReadonlyMap<string, PollSource>,
  store: PollStore,
  runningHere: () => ReadonlySet<string> = () => new Set(),
  now = Date.now(),
): Promise<PollStatus[]> {
  const states = new Map((await store.readAll()).map((state) => [state.sourceId, state]));
  const running = runningHere();
  return [...polls.values()].map((poll) => statusOf(poll.id, states.get(poll.id), running.has(poll.id), poll.enabled, now));
}

function statusOf(source: string, state: PollState | undefined, running: boolean, enabled: boolean, now: number): PollStatus {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const holder = state?.owner !== undefined && state.leaseExpiresAt > now ? state.owner : null;
  return {
    source,
    state: !enabled
      ? "paused"
      : running
        ? "running"
        : state?.failingSince !== undefined
          ? "failing"
          : state?.lastSuccessAt !== undefined
            ? "ok"
            : "pending",
    lastSuccess: iso(state?.lastSuccessAt),
    lastError:
      state?.lastError !== undefined && state.lastErrorAt !== undefined
        ? { at: new Date(state.lastErrorAt).toISOString(), message: state.lastError }
        : null,
    failingSince: iso(state?.failingSince),
    cursor: iso(state?.cursorMs),
    lagSeconds: state?.highWaterMs === undefined ? null : Math.max(0, Math.round((now - state.highWaterMs) / 1000)),
    lastRun: state?.lastItems !== undefined && state.lastPages !== undefined ? { items: state.lastItems, pages: state.lastPages } : null,
    leaseHolder: holder,
    runInProgress: state?.run !== undefined,
  };
}
