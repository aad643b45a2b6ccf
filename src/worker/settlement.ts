import { withoutBrokerHeaders } from "../broker/copy-message.js";
import type { RouteQueues } from "../broker/route-topology.js";
import { HEADERS } from "../contracts/message-headers.js";
import type { Outcome } from "../contracts/outcome.js";

const MAX_HEADER_TEXT = 1000;

/** What settling needs of the message in hand: its headers and the routing key it came with. */
export interface IncomingMessage {
  readonly headers: Record<string, unknown> | undefined;
  readonly routingKey: string;
}

/**
 * Where a processed message goes: a confirmed copy to one of the route's queues (with these
 * headers, and an expiration for the delay queues) and then the ack, or the ack alone.
 */
export type Settlement =
  | { readonly kind: "ack" }
  | { readonly kind: "copy"; readonly queue: string; readonly headers: Record<string, unknown>; readonly expiration?: string | undefined };

/** The attempt a message carries: absent (or unreadable) means the first. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  return Number(headers?.[HEADERS.attempt] ?? 1) || 1;
}

/**
 * Decides the message's next home from its outcome: a retry goes to the delay queue of its next
 * attempt, a busy copy to the busy queue (same attempt), a dead one to the dead-letter queue with
 * what an operator needs; delivered, duplicate and filtered are just acked. `now` dates a dead letter.
 */
export function settlement(
  outcome: Outcome,
  attempt: number,
  message: IncomingMessage,
  route: { readonly id: string; readonly queues: RouteQueues },
  now: Date = new Date(),
): Settlement {
  const copy = (queue: string, headers: Record<string, unknown>, expiration?: string): Settlement => ({
    kind: "copy",
    queue,
    headers: { ...withoutBrokerHeaders(message.headers), ...headers, [HEADERS.originalRoutingKey]: originalRoutingKey(message) },
    expiration,
  });
  switch (outcome.kind) {
    case "retry":
      return copy(
        route.queues.retry(outcome.next),
        {
          [HEADERS.attempt]: outcome.next,
          [HEADERS.lastError]: clip(outcome.error),
          ...(outcome.status === undefined ? {} : { [HEADERS.lastStatus]: outcome.status }),
        },
        String(outcome.delayMs),
      );
    case "busy":
      // Same attempt number: waiting for another worker is not a failure of this event.
      return copy(route.queues.busy, { [HEADERS.attempt]: attempt }, String(outcome.delayMs));
    case "dead":
      return copy(route.queues.dead, {
        [HEADERS.route]: route.id,
        [HEADERS.error]: clip(outcome.error),
        [HEADERS.errorKind]: outcome.reason,
        [HEADERS.attempts]: attempt,
        [HEADERS.failedAt]: now.toISOString(),
        ...(outcome.status === undefined ? {} : { [HEADERS.targetStatus]: outcome.status }),
      });
    default:
      return { kind: "ack" };
  }
}

/** Kept from the first hop: a retry or dead copy is published to a queue, not with the event's key. */
function originalRoutingKey(message: IncomingMessage): string {
  const kept = message.headers?.[HEADERS.originalRoutingKey];
  return typeof kept === "string" ? kept : message.routingKey;
}

function clip(text: string): string {
  return text.length > MAX_HEADER_TEXT ? `${text.slice(0, MAX_HEADER_TEXT)}…` : text;
}
