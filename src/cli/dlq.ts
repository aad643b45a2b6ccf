import amqplib from "amqplib";
import { routeQueues } from "../broker/route-topology.js";
import { loadEnv } from "../config/env.js";
import type { StandIns } from "../config/interpolate.js";
import { loadRoutes } from "../config/load-routes.js";
import { matches, walkDeadLetters, type DeadLetter, type DeadLetterFilter } from "../ops/dead-letters.js";

export interface DlqOptions extends DeadLetterFilter {
  readonly action: "list" | "replay" | "purge";
  readonly route?: string | undefined;
  readonly dryRun: boolean;
}

/**
 * `webhook-router dlq list|replay|purge [--route R] [--id ID] [--reason KIND] [--dry-run]`:
 * inspect dead letters, send them back to their route's queue (once the target is healthy), or
 * drop them. Without --route, every route of the routing table. Returns the exit code.
 */
export async function dlq(options: DlqOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnv();
  const table = loadRoutes(env.ROUTES_DIR, process.env, { standIns: { missing: new Map() } satisfies StandIns });
  if (options.route !== undefined && !table.routes.has(options.route)) {
    throw new Error(`no route "${options.route}" in ${env.ROUTES_DIR} (known: ${[...table.routes.keys()].join(", ")})`);
  }
  if (options.action === "purge" && options.route === undefined && options.id === undefined) {
    throw new Error("purge needs --route or --id: it deletes events for good");
  }
  const routeIds = options.route === undefined ? [...table.routes.keys()] : [options.route];
  const connection = await amqplib.connect(env.AMQP_URL, { clientProperties: { connection_name: "webhook-router dlq" } });
  connection.on("error", (error: Error) => console.error(`webhook-router: broker connection error: ${error.message}`));
  const channel = await connection.createConfirmChannel();
  const listing = options.action === "list" || options.dryRun;
  const progress = progressPrinter(options.action);
  const total = { matched: 0, replayed: 0, purged: 0 };
  try {
    for (const routeId of routeIds) {
      const result = await walkDeadLetters(
        channel,
        routeId,
        routeQueues(env.QUEUE_PREFIX, routeId),
        (letter) => {
          if (!matches(letter, options)) return "keep";
          total.matched += 1;
          if (!listing) return options.action as "replay" | "purge";
          print(formatLetter(letter));
          return "keep";
        },
        listing ? undefined : progress,
      );
      total.replayed += result.replayed;
      total.purged += result.purged;
    }
  } finally {
    progress.done();
    // Closing the channel first waits for the broker to process every ack: closing the connection
    // straight away can lose the last one, and that message would come back as a duplicate.
    await channel.close().catch(() => {});
    await connection.close().catch(() => {});
  }
  print(summary(options, total));
  return 0;
}

function summary(options: DlqOptions, total: { matched: number; replayed: number; purged: number }): string {
  if (options.action === "list") return `${total.matched} dead-lettered event(s)`;
  if (options.dryRun) return `dry run: ${total.matched} event(s) would be ${options.action === "replay" ? "replayed" : "purged"}`;
  return options.action === "replay" ? `replayed ${total.replayed} event(s)` : `purged ${total.purged} event(s)`;
}

function formatLetter(letter: DeadLetter): string {
  const error = letter.error.length > 160 ? `${letter.error.slice(0, 160)}…` : letter.error;
  return [letter.routeId, letter.eventId ?? "-", letter.reason, letter.status ?? "-", `attempts=${letter.attempts ?? "-"}`, letter.failedAt ?? "-", error].join("  ");
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
