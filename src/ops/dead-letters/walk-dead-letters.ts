import type { ConfirmChannel, GetMessage } from "amqplib";
import { copyMessage, withoutBrokerHeaders } from "../../broker/copy-message.js";
import type { RouteQueues } from "../../broker/route-topology.js";
import { HEADERS } from "../../contracts/message-headers.js";

/** What a dead-lettered message says about itself (its headers, written by the worker). */
export interface DeadLetter {
  readonly routeId: string;
  readonly eventId: string | undefined;
  readonly type: string | undefined;
  readonly reason: string;
  readonly error: string;
  readonly status: number | undefined;
  readonly attempts: number | undefined;
  readonly failedAt: string | undefined;
}

export interface DeadLetterFilter {
  /** One event id. */
  readonly id?: string | undefined;
  /** `x-error-kind`: exhausted, permanent, credentials, mapping, poison (or the broker's delivery_limit). */
  readonly reason?: string | undefined;
}

export type Decision = "keep" | "replay" | "purge";

export interface WalkResult {
  readonly seen: number;
  readonly replayed: number;
  readonly purged: number;
}

/**
 * Visits every message in a route's dead-letter queue once, in order. Each is re-published —
 * to the route's queue (replay), to the back of the dead-letter queue (keep), or nowhere (purge) —
 * and acked only after the broker confirmed the copy, so a crash mid-walk loses nothing.
 * Messages are never nacked back: on a quorum queue every requeue counts toward a delivery limit.
 * Only the messages present when the walk starts are visited; new dead letters wait.
 */
export async function walkDeadLetters(
  channel: ConfirmChannel,
  routeId: string,
  queues: RouteQueues,
  decide: (letter: DeadLetter) => Decision,
  onProgress?: (done: number, total: number) => void,
): Promise<WalkResult> {
  const { messageCount } = await channel.checkQueue(queues.dead);
  let replayed = 0;
  let purged = 0;
  let seen = 0;
  for (; seen < messageCount; seen += 1) {
    const message = await channel.get(queues.dead, { noAck: false });
    if (!message) break;
    const decision = decide(describe(routeId, message));
    if (decision === "replay") {
      await copyMessage(channel, queues.main, message, replayHeaders(message));
      replayed += 1;
    } else if (decision === "keep") {
      await copyMessage(channel, queues.dead, message, message.properties.headers ?? {});
    } else {
      purged += 1;
    }
    channel.ack(message);
    onProgress?.(seen + 1, messageCount);
  }
  return { seen, replayed, purged };
}

export function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (filter.id === undefined || letter.eventId === filter.id) && (filter.reason === undefined || letter.reason === filter.reason);
}

function describe(routeId: string, message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = (headers[HEADERS.death] as Array<{ reason?: string }> | undefined)?.[0];
  return {
    routeId,
    eventId: message.properties.messageId as string | undefined,
    type: message.properties.type as string | undefined,
    // Dead-lettered by the broker itself (a message that crashed its worker 20 times) has no x-error-kind.
    reason: String(headers[HEADERS.errorKind] ?? death?.reason ?? "unknown"),
    error: String(headers[HEADERS.error] ?? (death ? `dead-lettered by the broker: ${death.reason}` : "")),
    status: typeof headers[HEADERS.targetStatus] === "number" ? headers[HEADERS.targetStatus] : undefined,
    attempts: typeof headers[HEADERS.attempts] === "number" ? headers[HEADERS.attempts] : undefined,
    failedAt: typeof headers[HEADERS.failedAt] === "string" ? headers[HEADERS.failedAt] : undefined,
  };
}

// A replayed event starts its retry policy afresh; the failure that sent it here is kept for the record.
function replayHeaders(message: GetMessage): Record<string, unknown> {
  const { [HEADERS.attempt]: _attempt, ...rest } = withoutBrokerHeaders(message.properties.headers);
  const previous = rest[HEADERS.replays];
  const replays = typeof previous === "number" ? previous : 0;
  return { ...rest, [HEADERS.replays]: replays + 1, [HEADERS.replayedAt]: new Date().toISOString() };
}
