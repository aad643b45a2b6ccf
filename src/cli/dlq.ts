import { existsSync } from "node:fs";
import pino from "pino";
import { loadEnvFor, type Env } from "../env.js";
import type { RoutingTable } from "../config/load-routes.js";
import { loadRouteIds } from "../config/route-ids.js";
import { createDeadLetterService, type DeadLetter, type DeadLetterFilter } from "../ops/dead-letters/index.js";
import { deliveryLogFromEnv } from "../ops/delivery-log/index.js";
import { createLogger } from "../ops/logger.js";
import { openStateStore } from "../state/open-state-store.js";
import { stateFile } from "../state/state-db.js";

const DLQ_SETTINGS = [
  "AMQP_URL",
  "QUEUE_PREFIX",
  "ROUTES_DIR",
  "DATA_DIR",
  "DATABASE_URL",
  "DELIVERY_LOG",
  "DELIVERY_LOG_RETENTION",
  "DELIVERY_LOG_PAYLOADS",
] as const;

// A replay names its route; the routing table serves only receipts, which dlq never writes.
const NO_ROUTES: RoutingTable = { sources: new Map(), destinations: new Map(), routes: new Map(), polls: new Map() };

export interface DlqOptions extends DeadLetterFilter {
  readonly action: "list" | "replay" | "purge";
  readonly route?: string | undefined;
  readonly dryRun: boolean;
}

/**
 * `webhook-router dlq list|replay|purge [--route R] [--id ID] [--reason KIND] [--dry-run]`:
 * inspect dead letters, send them back to their route's queue (once the target is healthy), or
 * drop them. Without --route, every route of the routing table. The same service as the admin
 * API's, so a replay is recorded in the delivery log the same way. Returns the exit code.
 */
export async function dlq(options: DlqOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnvFor(DLQ_SETTINGS);
  // The route ids name the queues; the routes' settings and secrets are never used here.
  const routeIds = loadRouteIds(env.ROUTES_DIR);
  if (options.action === "purge" && options.route === undefined && options.id === undefined) {
    throw new Error("purge needs --route or --id: it deletes events for good");
  }
  const replaying = options.action === "replay" && !options.dryRun;
  const log = replaying ? await openLog(env) : undefined;
  const service = createDeadLetterService({
    amqpUrl: env.AMQP_URL,
    connectionName: "webhook-router dlq",
    queuePrefix: env.QUEUE_PREFIX,
    routeIds,
    onReplayed: (routeId, eventId, at) => log?.deliveryLog?.replayed(routeId, eventId, at),
  });
  const listing = options.action === "list" || options.dryRun;
  const progress = progressPrinter(options.action);
  try {
    const report = await service(
      { action: options.action, route: options.route, id: options.id, reason: options.reason, dryRun: options.dryRun, limit: 0 },
      { ...(listing ? { onMatch: (letter: DeadLetter) => print(formatLetter(letter)) } : {}), onProgress: progress },
    );
    print(summary(options, report));
    return 0;
  } finally {
    progress.done();
    // Replays recorded above are still in the log's queue: written before the store closes.
    await log?.deliveryLog?.close(5_000);
    await log?.db?.destroy();
  }
}

/**
 * The delivery log where the router keeps it (DATABASE_URL, or DATA_DIR's SQLite file), opened as
 * the router opens it. Never a fresh store in whatever folder the command runs from: without one,
 * the replay happens and is not recorded, and the command says so.
 */
async function openLog(env: Pick<Env, (typeof DLQ_SETTINGS)[number]>) {
  const file = stateFile(env.DATA_DIR);
  if (!env.DELIVERY_LOG) return undefined;
  if (!env.DATABASE_URL && !existsSync(file)) {
    console.error(`webhook-router dlq: no delivery log at ${file} (DATA_DIR) and no DATABASE_URL: replays will not be recorded in it`);
    return undefined;
  }
  // The log's own warnings (a failed write) go to stderr, apart from the command's output.
  const logger = createLogger({ level: "warn", destination: pino.destination({ dest: 2, sync: true }) });
  const db = await openStateStore(env, "delivery log", logger);
  return { db, deliveryLog: deliveryLogFromEnv(db, env, NO_ROUTES, logger) };
}

function summary(options: DlqOptions, total: { matched: number; replayed: number; purged: number }): string {
  if (options.action === "list") return `${total.matched} dead-lettered event(s)`;
  if (options.dryRun) return `dry run: ${total.matched} event(s) would be ${options.action === "replay" ? "replayed" : "purged"}`;
  return options.action === "replay" ? `replayed ${total.replayed} event(s)` : `purged ${total.purged} event(s)`;
}

function formatLetter(letter: DeadLetter): string {
  const error = letter.error.length > 160 ? `${letter.error.slice(0, 160)}…` : letter.error;
  return [
    letter.routeId,
    letter.eventId ?? "-",
    letter.reason,
    letter.status ?? "-",
    `attempts=${letter.attempts ?? "-"}`,
    letter.failedAt ?? "-",
    error,
  ].join("  ");
}

/** A one-line progress bar on a terminal; a line per 10 % otherwise (logs, CI). */
function progressPrinter(action: string): ((done: number, total: number) => void) & { done(): void } {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  let drawn = false;
  const update = (done: number, total: number) => {
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${action} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
      drawn = true;
    } else if (Math.floor((done / total) * 10) > lastTenth) {
      lastTenth = Math.floor((done / total) * 10);
      process.stderr.write(`${action}: ${done}/${total}\n`);
    }
  };
  return Object.assign(update, { done: () => drawn && process.stderr.write("\n") });
}
