/**
 * The AMQP headers the router writes on the messages it moves between a route's queues. Consumers
 * of the dead-letter queues and `dlq` read them, so the names are part of the public contract.
 */
export const HEADERS = {
  /** The attempt number the message carries; absent means the first attempt. */
  attempt: "x-attempt",
  /** The routing key the event was first published with (kept through retry and dead-letter queues). */
  originalRoutingKey: "x-original-routing-key",
  /** On retry copies: the last attempt's error and the target's HTTP status. */
  lastError: "x-last-error",
  lastStatus: "x-last-status",
  /** On dead letters: the route, the error, its reason word, attempts made, when, the target's status. */
  route: "x-route",
  error: "x-error",
  errorKind: "x-error-kind",
  attempts: "x-attempts",
  failedAt: "x-failed-at",
  targetStatus: "x-target-status",
  /** On replayed dead letters: how many times, and the last time. */
  replays: "x-replays",
  replayedAt: "x-replayed-at",
  /** Set by RabbitMQ itself when it dead-letters a message (delivery limit, expiry). */
  death: "x-death",
} as const;
