import type { Logger } from "pino";
import type { EventSink } from "../contracts/event-sink.js";
import { SinkUnavailableError } from "../contracts/event-sink.js";
import type { PollFailure, PollFailureReason, PollObserver } from "../contracts/poll-observer.js";
import { LeaseLostError, type PollLease, type PollStore } from "../state/poll-store.js";
import type { CompiledPoll } from "./compile-poll.js";
import { createSchedule, type Schedule } from "./next-run.js";
import { PollError } from "./poll-error.js";
import { runPoll } from "./run-poll.js";

export interface SchedulerOptions {
  readonly polls: readonly CompiledPoll[];
  readonly store: PollStore;
  readonly sink: EventSink;
  readonly observer?: PollObserver | undefined;
  readonly logger: Logger;
  /** This process, as the lease names it. */
  readonly owner: string;
  /** How long a lease lasts without renewal: how soon a standby takes over from a dead holder. */
  readonly leaseTtlMs: number;
}

export interface RunningScheduler {
  /** The sources this process is polling right now. */
  running(): ReadonlySet<string>;
  /** Stops between pages (an unfinished page is not committed), waits for the runs, gives the leases back. */
  close(ms: number): Promise<void>;
}

/**
 * One loop per polling source. Every process with the scheduler role tries to take each source's
 * lease; the one that has it keeps it (renewing every third of its ttl) and runs the polls when
 * due; the others stand by and take over once a holder's lease has expired (it died, or hung).
 */
export function startScheduler(options: SchedulerOptions): RunningScheduler {
  const loops = options.polls.map((poll) => sourceLoop(poll, options));
  return {
    running: () => new Set(loops.filter((loop) => loop.isRunning()).map((loop) => loop.sourceId)),
    async close(ms) {
      await Promise.race([Promise.all(loops.map((loop) => loop.stop())), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    },
  };
}

/**
 * At start the sink is still connecting to the broker: a first run waits this long for it rather
 * than filling the spool with a page that the broker would have confirmed a moment later.
 */
const BROKER_WAIT_MS = 10_000;

function sourceLoop(poll: CompiledPoll, options: SchedulerOptions) {
  const { store, logger: parent, owner, leaseTtlMs } = options;
  const sourceId = poll.source.id;
  const logger = parent.child({ poll: sourceId });
  const schedule: Schedule = createSchedule(poll.source);
  const tickMs = Math.max(50, Math.min(Math.floor(leaseTtlMs / 3), 5_000));
  let lease: PollLease | undefined;
  let stopping = false;
  let lost = false;
  let run: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleepers = new Set<() => void>();
  const startedAt = Date.now();
  const stopRequests = new AbortController();

  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(wait);
        sleepers.delete(wake);
        resolve(!stopping && !lost);
      };
      const wait = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const tick = async () => {
    try {
      if (lease) {
        if (!(await store.renew(lease, leaseTtlMs))) {
          logger.warn({ fence: lease.fence }, "poll lease lost to another process: this one stops polling the source");
          lost = true;
          lease = undefined;
        }
      } else {
        lease = await store.takeLease(sourceId, owner, leaseTtlMs);
        if (lease) {
          lost = false;
          logger.info({ fence: lease.fence }, "poll lease taken: this process polls the source");
        }
      }
      if (lease && !run && !stopping) {
        const state = await store.read(sourceId);
        const asked = state?.requested;
        if (asked && asked.by !== owner && asked.at > Date.now() - leaseTtlMs) {
          logger.info({ requestedBy: asked.by }, "poll lease handed to a poll run by hand; taken back after it");
          await store.release(lease);
          lease = undefined;
        } else if (schedule(state) <= Date.now() && (options.sink.state === "broker" || Date.now() - startedAt > BROKER_WAIT_MS)) {
          run = runOnce(lease, state?.failingSince).finally(() => (run = undefined));
        }
      }
    } catch (error) {
      logger.error({ err: (error as Error).message }, "poll scheduler: the state store did not answer; trying again");
    }
  };

  const runOnce = async (held: PollLease, failingSince: number | undefined) => {
    const started = Date.now();
    try {
      const summary = await runPoll(poll, {
        store,
        lease: held,
        sink: options.sink,
        observer: options.observer,
        shouldStop: () => stopping || lost,
        pause,
        stop: stopRequests.signal,
      });
      logger.info({ ...summary, ms: Date.now() - started }, summary.end === "complete" ? "poll run complete" : `poll run ${summary.end}`);
    } catch (error) {
      if (stopping) {
        logger.info("poll run stopped by shutdown mid-page: that page is repeated by the next run");
        return;
      }
      if (error instanceof LeaseLostError) {
        logger.warn("poll lease taken over mid-run: stopped without committing the page in hand");
        lost = true;
        lease = undefined;
        return;
      }
      const failure = classify(error);
      const at = Date.now();
      const since = failingSince ?? at;
      logger.error({ reason: failure.reason, status: failure.status }, `poll failed: ${failure.message}`);
      await store.failRun(held, failure.message, at).catch((stored: unknown) => {
        logger.warn({ err: (stored as Error).message }, "could not record the poll failure in the state store");
      });
      const alert = failure.reason !== "broker" && (failure.atOnce || at - since >= poll.source.alertAfter);
      const reported: PollFailure = {
        reason: failure.reason,
        message: failure.message,
        status: failure.status,
        failingSince: new Date(since),
        alert,
      };
      options.observer?.failed(sourceId, reported);
    }
  };

  const loop = async () => {
    await tick();
    if (!stopping) timer = setTimeout(loop, tickMs);
  };
  void loop();

  return {
    sourceId,
    isRunning: () => run !== undefined,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      stopRequests.abort();
      for (const wake of [...sleepers]) wake();
      await run;
      if (lease) await store.release(lease).catch(() => undefined);
    },
  };
}

function classify(error: unknown): { reason: PollFailureReason; message: string; status: number | undefined; atOnce: boolean } {
  if (error instanceof PollError) return { reason: error.reason, message: error.message, status: error.status, atOnce: error.atOnce };
  if (error instanceof SinkUnavailableError)
    return { reason: "broker", message: `neither the broker nor the spool took the events: ${error.message}`, status: undefined, atOnce: false };
  // JSONata's own errors carry a code (`T2001`, `D3030`): an expression that fails on this response.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Z]\d{4}$/.test(code)) {
    return { reason: "response", message: `an expression failed on the response: ${(error as Error).message}`, status: undefined, atOnce: true };
  }
  return { reason: "internal", message: (error as Error).message, status: undefined, atOnce: false };
}
