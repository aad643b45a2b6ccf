import type { ConfirmChannel } from "amqplib";
import { declareRouteTopology } from "../broker/route-topology.js";
import { createEventPublisher } from "../broker/event-publisher.js";
import { loadRoutes } from "../config/load-routes.js";
import type { EventSink } from "../contracts/event-sink.js";
import { SinkUnavailableError } from "../contracts/event-sink.js";
import { loadEnv } from "../env.js";
import { compileRoutes } from "../mapping/compile-routes.js";
import { deliveryLogFromEnv } from "../ops/delivery-log/index.js";
import { createLogger } from "../ops/logger.js";
import { compilePoll, pollOwner, runPoll, type RunProgress } from "../poll/index.js";
import { createPollStore, type PollLease, type PollStore } from "../state/poll-store.js";
import { openStateDb } from "../state/state-db.js";

export interface PollRunOptions {
  readonly sourceId: string;
  /** ISO 8601: the window starts here instead of at the stored cursor (a backfill). */
  readonly since?: string | undefined;
  /** With `since`: let the cursor move back to what this run saw. */
  readonly resetCursor?: boolean;
}

/** How long `poll run` waits for the scheduler to give the lease up before it stops. */
const LEASE_WAIT_MS = 120_000;

/**
 * `webhook-router poll run <source> [--since ISO] [--reset-cursor]`: one poll by hand, under the
 * source's lease (so never beside the scheduler's own run), publishing with broker confirms only:
 * a run by hand that cannot reach the broker fails where it is watched, instead of leaving events
 * in a spool no router relays. Progress goes to stderr, the summary to stdout. Exit 0 on success.
 */
export async function pollRun(options: PollRunOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnv();
  const table = loadRoutes(env.ROUTES_DIR);
  const source = table.polls.get(options.sourceId);
  if (!source) {
    console.error(`webhook-router poll: no polling source "${options.sourceId}" (polling sources: ${[...table.polls.keys()].join(", ") || "none"})`);
    return 2;
  }
  const since = options.since === undefined ? undefined : Date.parse(options.since);
  if (since !== undefined && Number.isNaN(since)) {
    console.error(`webhook-router poll: --since must be an ISO 8601 time, not "${options.since}"`);
    return 2;
  }
  const logger = createLogger({ level: "warn", format: env.LOG_FORMAT });
  const poll = compilePoll(source);
  const compiled = compileRoutes(table);
  const publisher = await createEventPublisher({
    url: env.AMQP_URL,
    exchange: env.AMQP_EXCHANGE,
    confirmTimeoutMs: env.PUBLISH_TIMEOUT_MS,
    logger,
    declareTopology: async (channel: ConfirmChannel) => {
      for (const { route } of compiled.values()) await declareRouteTopology(channel, env.AMQP_EXCHANGE, env.QUEUE_PREFIX, route);
    },
  });
  const db = await openStateDb({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL });
  const log = deliveryLogFromEnv(db, env, table, logger);
  const store = createPollStore(db);
  const sink: EventSink = {
    async accept(event) {
      if (!publisher.connected) throw new SinkUnavailableError("not connected to RabbitMQ", "not_connected");
      await publisher.publish(event);
      return "broker";
    },
    get ready() {
      return publisher.connected;
    },
    state: "broker",
  };
  const progress = progressLine();
  let lease: PollLease | undefined;
  let renewal: NodeJS.Timeout | undefined;
  let lost = false;
  try {
    await untilConnected(() => publisher.connected, env.PUBLISH_TIMEOUT_MS + 5_000);
    lease = await waitForLease(store, source.id, env.POLL_LEASE_TTL);
    const held = lease;
    renewal = setInterval(() => {
      store.renew(held, env.POLL_LEASE_TTL).then(
        (kept) => (lost ||= !kept),
        () => undefined,
      );
    }, env.POLL_LEASE_TTL / 3);
    const observer = log ? { published: log.accepted.bind(log), page() {}, succeeded() {}, failed() {} } : undefined;
    const summary = await runPoll(poll, {
      store,
      lease,
      sink,
      observer,
      since,
      resetCursor: options.resetCursor === true,
      shouldStop: () => lost,
      pause: (ms) => new Promise((resolve) => setTimeout(() => resolve(!lost), ms)),
      onPage: progress.page,
    });
    progress.done();
    const state = await store.read(source.id);
    const cursor = state?.cursorMs === undefined ? "none yet" : new Date(state.cursorMs).toISOString();
    print(`${source.id}: ${summary.items} item(s) published in ${summary.pages} page(s), ${summary.skipped} already published; cursor ${cursor}`);
    if (summary.end !== "complete")
      print(`${source.id}: the run ${summary.end === "partial" ? "reached maxPages" : "stopped"}; the next run goes on from its position`);
    return 0;
  } catch (error) {
    progress.done();
    console.error(`webhook-router poll: ${source.id}: ${(error as Error).message}`);
    return 1;
  } finally {
    clearInterval(renewal);
    if (lease) await store.release(lease).catch(() => undefined);
    await log?.close(5_000);
    await publisher.close(env.PUBLISH_TIMEOUT_MS);
    await db.destroy();
  }
}

async function untilConnected(connected: () => boolean, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; !connected(); ) {
    if (Date.now() > deadline) throw new Error("cannot reach RabbitMQ (AMQP_URL): nothing was polled");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForLease(store: PollStore, sourceId: string, ttlMs: number): Promise<PollLease> {
  const owner = pollOwner();
  let told = false;
  for (const deadline = Date.now() + LEASE_WAIT_MS; ; ) {
    const lease = await store.takeLease(sourceId, owner, ttlMs);
    if (lease) return lease;
    // The scheduler holding it gives it up between runs to whoever asks.
    await store.request(sourceId, owner, ttlMs);
    if (!told) {
      const holder = (await store.read(sourceId))?.owner ?? "another process";
      console.error(`waiting for the poll lease on ${sourceId}: ${holder} holds it (a router's scheduler gives it back when it stops)`);
      told = true;
    }
    if (Date.now() > deadline)
      throw new Error(`the poll lease stayed held for ${LEASE_WAIT_MS / 1000} s: stop the scheduler's router, or wait for its run to end`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** On a terminal, one line rewritten in place; elsewhere (a log, a pipe), one line per page. */
function progressLine() {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    page(progress: RunProgress) {
      const line = `page ${progress.pages}: ${progress.items} item(s) published, ${progress.skipped} already published (${progress.request})`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        shown = true;
      } else process.stderr.write(`${line}\n`);
    },
    done() {
      if (shown) process.stderr.write("\n");
      shown = false;
    },
  };
}
