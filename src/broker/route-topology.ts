import type { Channel } from "amqplib";
import type { Route } from "../config/load-routes.js";

/** The queues that carry one route's events. */
export interface RouteQueues {
  /** Bound to the exchange with the route's patterns; the worker consumes it. */
  readonly main: string;
  /** Where events go after the last attempt, or at once on a permanent error. */
  readonly dead: string;
  /** The delay queue an event waits in before attempt `attempt` (2..attempts). */
  retry(attempt: number): string;
  /** Where a copy waits while another worker is delivering the same event (then back to `main`). */
  readonly busy: string;
}

export function routeQueues(prefix: string, routeId: string): RouteQueues {
  const main = `${prefix}${routeId}`;
  return { main, dead: `${main}.dead`, retry: (attempt) => `${main}.retry.${attempt}`, busy: `${main}.busy` };
}

/**
 * How many times the broker redelivers one message (a worker crashing on it, a lost channel)
 * before it dead-letters it by itself: the guard against a message that kills every worker.
 */
export const DELIVERY_LIMIT = 20;

/**
 * How many POSTs an asynchronous endpoint's callback gets, the first included: its retries wait
 * in its sync route's delay queues (with the route's `retry` delays), so every sync route has them.
 */
export const CALLBACK_ATTEMPTS = 5;

/** The last attempt a route's delay queues are declared for (`.retry.2` … `.retry.{n}`). */
export function retryAttempts(route: Pick<Route, "sync" | "retry">): number {
  return route.sync ? Math.max(route.retry.attempts, CALLBACK_ATTEMPTS) : route.retry.attempts;
}

// Quorum queues survive a node loss, and at-least-once dead-lettering (which needs reject-publish)
// means a message moving between queues cannot vanish on the way.
const QUORUM = { "x-queue-type": "quorum", "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish" };

/**
 * Declares the route's topology: the main queue bound to its patterns, one delay queue per retry
 * attempt (messages wait out a per-message TTL, then dead-letter back to the main queue), the
 * `busy` delay queue for copies of an event another worker is delivering, and the dead-letter
 * queue. Declaring is idempotent; changing the arguments of an existing queue is
 * not (RabbitMQ refuses with PRECONDITION_FAILED), which is why the arguments never depend on
 * settings that are likely to change.
 */
export async function declareRouteTopology(channel: Channel, exchange: string, prefix: string, route: Route): Promise<RouteQueues> {
  const queues = routeQueues(prefix, route.id);
  await channel.assertExchange(exchange, "topic", { durable: true });
  await channel.assertQueue(queues.dead, { durable: true, arguments: { "x-queue-type": "quorum" } });
  await channel.assertQueue(queues.main, {
    durable: true,
    arguments: {
      ...QUORUM,
      "x-delivery-limit": DELIVERY_LIMIT,
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": queues.dead,
    },
  });
  for (const pattern of route.events) await channel.bindQueue(queues.main, exchange, pattern);
  // One delay queue per attempt: a queue only expires its head, so mixing short and long delays in
  // one queue would hold short ones behind long ones. Within one attempt delays differ only by jitter.
  const delay = { durable: true, arguments: { ...QUORUM, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queues.main } };
  for (let attempt = 2; attempt <= retryAttempts(route); attempt += 1) await channel.assertQueue(queues.retry(attempt), delay);
  // Held-back copies all wait the route's base delay, so expiring only the head holds none back.
  await channel.assertQueue(queues.busy, delay);
  return queues;
}
