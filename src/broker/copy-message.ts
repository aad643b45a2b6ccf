import type { ConfirmChannel, Message, Options } from "amqplib";

/**
 * Publishes a copy of `message` (same body and properties, the given headers) to `queue` and
 * resolves on the broker's confirm. How events move between a route's queues: the original is
 * acked only after its copy is safe, so an event is always in one queue or delivered.
 */
export function copyMessage(
  channel: ConfirmChannel,
  queue: string,
  message: Message,
  headers: Record<string, unknown>,
  expiration?: string,
): Promise<void> {
  const { properties } = message;
  const options: Options.Publish = {
    persistent: true,
    messageId: properties.messageId,
    type: properties.type,
    contentType: properties.contentType,
    timestamp: properties.timestamp,
    appId: properties.appId,
    headers,
    // A sync call's copy (held back by the destination's limits) still answers its caller.
    ...(properties.replyTo === undefined ? {} : { replyTo: properties.replyTo, correlationId: properties.correlationId }),
    ...(expiration === undefined ? {} : { expiration }),
  };
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, message.content, options, (error: unknown) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    );
  });
}

/** The broker's own bookkeeping (x-death, x-delivery-count) describes the old message, not a copy. */
export function withoutBrokerHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const {
    "x-death": _death,
    "x-delivery-count": _count,
    "x-first-death-exchange": _exchange,
    "x-first-death-queue": _queue,
    "x-first-death-reason": _reason,
    ...rest
  } = headers ?? {};
  return rest;
}
