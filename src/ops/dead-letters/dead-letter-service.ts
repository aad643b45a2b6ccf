import { connectOnce } from "../../broker/connection.js";
import { routeQueues } from "../../broker/route-topology.js";
import { DeadLetterRequestError } from "./dead-letter-errors.js";
import { matches, walkDeadLetters, type DeadLetter, type DeadLetterFilter } from "./walk-dead-letters.js";

export interface DeadLetterRequest extends DeadLetterFilter {
  readonly action: "list" | "replay" | "purge";
  /** One route; every route of the routing table when absent. */
  readonly route?: string | undefined;
  /** Only say what would happen. */
  readonly dryRun: boolean;
  /** Most letters listed in the answer (all are still walked). @defaultValue 1000 */
  readonly limit?: number | undefined;
}

export interface DeadLetterReport {
  readonly action: DeadLetterRequest["action"];
  readonly dryRun: boolean;
  readonly matched: number;
  readonly replayed: number;
  readonly purged: number;
  /** The matching letters (at most `limit`). */
  readonly letters: readonly DeadLetter[];
  readonly truncated: boolean;
}

export interface DeadLetterServiceOptions {
  readonly amqpUrl: string;
  /** Names the connection in RabbitMQ's UI: `webhook-router admin`, `webhook-router dlq`. */
  readonly connectionName: string;
  readonly queuePrefix: string;
  readonly routeIds: readonly string[];
  /**
   * Told of each event sent back to its route (the delivery log marks it pending), with the time
   * it was decided — before the copy was published, so before any outcome of the replay.
   */
  readonly onReplayed?: (routeId: string, eventId: string, at: number) => void;
}

/** Watches a walk as it goes (the CLI prints letters and a progress bar). */
export interface DeadLetterObserver {
  /** Each matching letter, in queue order, as it is met. */
  readonly onMatch?: (letter: DeadLetter) => void;
  /** After each message of a route's queue, when letters are replayed or purged. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type DeadLetterService = (request: DeadLetterRequest, observer?: DeadLetterObserver) => Promise<DeadLetterReport>;

const DEFAULT_LIMIT = 1000;

/**
 * `dlq list|replay|purge`, for the CLI and the admin API alike: one walk of each route's
 * dead-letter queue (walkDeadLetters: confirmed copies, never a requeue), purge only with a route
 * or an id. Walks run one at a time — two interleaved walks of one queue would each see the
 * other's kept copies — each on its own short-lived connection.
 */
export function createDeadLetterService(options: DeadLetterServiceOptions): DeadLetterService {
  let previous: Promise<unknown> = Promise.resolve();
  return (request, observer = {}) => {
    validate(request, options.routeIds);
    const run = previous.catch(() => {}).then(() => walk(options, request, observer));
    previous = run;
    return run;
  };
}

function validate(request: DeadLetterRequest, routeIds: readonly string[]): void {
  if (request.route !== undefined && !routeIds.includes(request.route)) {
    throw new DeadLetterRequestError("unknown_route", `no route "${request.route}" (known: ${routeIds.join(", ")})`);
  }
  if (request.action === "purge" && request.route === undefined && request.id === undefined) {
    throw new DeadLetterRequestError("invalid_request", "purge needs route or id: it deletes events for good");
  }
}

async function walk(options: DeadLetterServiceOptions, request: DeadLetterRequest, observer: DeadLetterObserver): Promise<DeadLetterReport> {
  const limit = request.limit ?? DEFAULT_LIMIT;
  const connection = await connectOnce(options.amqpUrl, options.connectionName);
  // Without listeners, a broker closing the connection or channel with an error (a queue deleted
  // under the walk, a broker restart) would be an uncaught exception: the router would die. The
  // pending operation rejects anyway, and the request answers 500.
  connection.on("error", () => {});
  const letters: DeadLetter[] = [];
  const total = { matched: 0, replayed: 0, purged: 0 };
  const act = request.action !== "list" && !request.dryRun;
  try {
    const channel = await connection.createConfirmChannel();
    channel.on("error", () => {});
    for (const routeId of request.route === undefined ? options.routeIds : [request.route]) {
      const replayed: Array<[eventId: string, at: number]> = [];
      const result = await walkDeadLetters(
        channel,
        routeId,
        routeQueues(options.queuePrefix, routeId),
        (letter) => {
          if (!matches(letter, request)) return "keep";
          total.matched += 1;
          if (letters.length < limit) letters.push(letter);
          observer.onMatch?.(letter);
          if (!act) return "keep";
          if (request.action === "replay" && letter.eventId !== undefined) replayed.push([letter.eventId, Date.now()]);
          return request.action as "replay" | "purge";
        },
        act ? observer.onProgress : undefined,
      );
      total.replayed += result.replayed;
      total.purged += result.purged;
      for (const [eventId, at] of replayed) options.onReplayed?.(routeId, eventId, at);
    }
    // Closing the channel first lets the broker process every ack before the connection goes.
    await channel.close().catch(() => {});
  } finally {
    await connection.close().catch(() => {});
  }
  return { action: request.action, dryRun: request.dryRun, ...total, letters, truncated: total.matched > letters.length };
}
