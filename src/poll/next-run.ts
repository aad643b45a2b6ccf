import { type Cron, nextCronTime, parseCron } from "../config/cron.js";
import type { PollSource } from "../config/load-routes.js";
import type { PollState } from "../state/poll-store.js";

/** Retrying a failing source: never sooner than this after a failure … */
const MIN_RETRY_MS = 30_000;
/** … and never later than this (or the schedule, if it is sooner). */
const MAX_RETRY_MS = 15 * 60_000;

export type Schedule = (state: PollState | undefined) => number;

/**
 * When a source is next due (epoch ms), from its stored state: at once when it has never run or a
 * run is unfinished (a restart, a take-over, maxPages reached); after a failure, retried with a
 * delay that doubles with the failure's length (30 s … 15 min, or the schedule's own gap if
 * shorter); otherwise `every` after the last success, or the next cron time after it.
 */
export function createSchedule(source: Pick<PollSource, "every" | "cron" | "timezone">): Schedule {
  const cron: Cron | undefined = source.cron === undefined ? undefined : parseCron(source.cron);
  const after = (ms: number) => (cron ? (nextCronTime(cron, ms, source.timezone) ?? Number.POSITIVE_INFINITY) : ms + (source.every ?? 3_600_000));
  return (state) => {
    if (state === undefined || state.lastRunAt === undefined || state.run !== undefined) return 0;
    if (state.failingSince !== undefined) {
      const failingFor = state.lastRunAt - state.failingSince;
      const retry = Math.min(Math.max(MIN_RETRY_MS, failingFor), MAX_RETRY_MS);
      return Math.min(state.lastRunAt + retry, after(state.lastRunAt));
    }
    return after(state.lastSuccessAt ?? state.lastRunAt);
  };
}
