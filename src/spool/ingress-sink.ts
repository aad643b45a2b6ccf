import type { Logger } from "pino";
import { createEventPublisher } from "../broker/event-publisher.js";
import type { Env } from "../config/env.js";
import type { EventSink } from "../ingress/event-sink.js";

export interface IngressSink extends EventSink {
  /** Waits (at most `ms`) for outstanding confirms, then releases the broker (and spool). */
  close(ms: number): Promise<void>;
}

/** Where the ingress puts accepted events: the broker, with a confirm. */
export async function createIngressSink(env: Env, logger: Logger): Promise<IngressSink> {
  const publisher = await createEventPublisher({
    url: env.AMQP_URL,
    exchange: env.AMQP_EXCHANGE,
    confirmTimeoutMs: env.PUBLISH_TIMEOUT_MS,
    logger,
  });
  return {
    accept: (event) => publisher.publish(event),
    get ready() {
      return publisher.connected;
    },
    get state() {
      return publisher.connected ? "broker" : "unavailable";
    },
    close: (ms) => publisher.close(ms),
  };
}
