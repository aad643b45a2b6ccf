import type { ChannelModel, ConfirmChannel, Options } from "amqplib";
import type { Logger } from "pino";
import { CLOUDEVENTS_CONTENT_TYPE } from "../contracts/cloud-event.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { BrokerFailure } from "./broker-failure.js";
import { ConfirmPublisher, type ConfirmSender } from "./confirm-publisher.js";
import { connectBroker, watchChannel } from "./connection.js";

/** How often at most a nack retires the publish channel. */
const NACK_RENEW_MS = 2000;

export interface EventPublisherOptions {
  readonly url: string;
  readonly exchange: string;
  readonly confirmTimeoutMs: number;
  readonly logger: Logger;
  /**
   * Declares what must exist before the first publish, on every (re)connect: the route queues and
   * their bindings, so an event published before any worker ever ran is queued, not dropped as
   * unroutable.
   */
  readonly declareTopology?: (channel: ConfirmChannel) => Promise<void>;
  /** Told at once when publishing becomes possible or impossible (a channel opened or was lost). */
  readonly onConnectedChange?: (connected: boolean) => void;
  /** Told why each connection attempt failed, and (undefined) when one succeeds. */
  readonly onConnectFailure?: (failure: BrokerFailure | undefined) => void;
}

/**
 * What a publish needs of an event: a spooled event carries these too, with the time it was
 * accepted, so the message's AMQP `timestamp` says when the sender's call arrived — not when a
 * relay published it after an outage.
 */
export type PublishableEvent = Pick<NormalizedEvent, "id" | "type" | "routingKey" | "body"> & { readonly receivedAt?: number };

/** Publishes normalized events to the topic exchange and says whether it can right now. */
export interface EventPublisher {
  /** Resolves on the broker's confirm; `timeoutMs` overrides `confirmTimeoutMs` for this event. */
  publish(event: PublishableEvent, timeoutMs?: number): Promise<void>;
  readonly connected: boolean;
  /** Waits (at most `ms`) for outstanding confirms, then closes channel and connection. */
  close(ms: number): Promise<void>;
}

export async function createEventPublisher(options: EventPublisherOptions): Promise<EventPublisher> {
  const { exchange, logger } = options;
  const confirms = new ConfirmPublisher<Outgoing>(options.confirmTimeoutMs, () => renewAfterNack());
  let current: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  let renewedAt = 0;
  let closing = false;

  /**
   * Nacks that go on after a failover: a channel opened on the new node while a quorum queue was
   * still electing its leader (its old one on the lost node) can go on refusing every publish
   * after the election (seen with RabbitMQ 3.10). A fresh channel sees the new leader, so a nack
   * retires the channel (at most every 2 s); its close handler opens the next one.
   */
  function renewAfterNack(): void {
    if (!channel || closing || Date.now() - renewedAt < NACK_RENEW_MS) return;
    renewedAt = Date.now();
    logger.warn("the broker refused a publish (nack): opening a new publish channel");
    channel.close().catch(() => {});
  }

  function attach(channel: ConfirmChannel | undefined): void {
    const was = confirms.connected;
    confirms.attach(channel && sendOn(channel, exchange));
    if (confirms.connected !== was) options.onConnectedChange?.(confirms.connected);
  }

  async function openChannel(model: ChannelModel): Promise<void> {
    const opened = await model.createConfirmChannel();
    channel = opened;
    watchChannel(opened, logger, "publish");
    await opened.assertExchange(exchange, "topic", { durable: true });
    await options.declareTopology?.(opened);
    opened.on("close", () => {
      if (channel === opened) channel = undefined;
      attach(undefined);
      // A channel can close on its own (a protocol error) while the connection lives on:
      // open a fresh one rather than answering 503 until the next reconnect.
      if (!closing && current === model) {
        setTimeout(() => {
          if (!closing && current === model)
            openChannel(model).catch((error: Error) => {
              logger.warn({ err: error.message }, "could not reopen the publish channel");
            });
        }, 500).unref();
      }
    });
    attach(opened);
  }

  const connection = await connectBroker({
    url: options.url,
    name: "publish",
    logger,
    setup: async (model) => {
      current = model;
      await openChannel(model);
    },
    onDisconnect: () => {
      current = undefined;
      attach(undefined);
    },
    ...(options.onConnectFailure ? { onConnectFailure: options.onConnectFailure } : {}),
  });

  return {
    publish(event, timeoutMs) {
      const properties: Options.Publish = {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        timestamp: Math.floor((event.receivedAt ?? Date.now()) / 1000),
        appId: "webhook-router",
      };
      return confirms.publish({ routingKey: event.routingKey, body: event.body, properties }, timeoutMs);
    },
    get connected() {
      return confirms.connected;
    },
    async close(ms) {
      await confirms.settled(ms);
      closing = true;
      attach(undefined);
      await connection.close().catch(() => {});
    },
  };
}

/** One message for the exchange. */
interface Outgoing {
  readonly routingKey: string;
  readonly body: Buffer;
  readonly properties: Options.Publish;
}

/** The ConfirmPublisher's way to send on one amqplib channel. */
function sendOn(channel: ConfirmChannel, exchange: string): ConfirmSender<Outgoing> {
  return ({ routingKey, body, properties }, confirmed) => {
    // The return value only says the socket buffer is full; the confirm callback still fires.
    channel.publish(exchange, routingKey, body, properties, confirmed);
  };
}
