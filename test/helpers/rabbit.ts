import { randomUUID } from "node:crypto";
import amqplib, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";

export const AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";

/** The shared broker, reached with a password of the test's own: RabbitMQ refuses it (ACCESS_REFUSED). */
export interface RefusedBroker {
  readonly url: string;
  readonly password: string;
  /** How logs, /readyz and emails name the broker: user and host, never the password. */
  readonly address: string;
}

export function refusedBroker(password = `wrong-${randomUUID().slice(0, 8)}`): RefusedBroker {
  const url = new URL(AMQP_URL);
  url.password = password;
  return { url: url.toString(), password, address: `amqp://${url.username}@${url.host}` };
}

/** A test's own exchange and a queue bound to it, recording every message that arrives. */
export interface QueueTap {
  readonly exchange: string;
  readonly messages: ConsumeMessage[];
  /** Resolves with the first `count` messages, or rejects after `ms`. */
  waitFor(count: number, ms?: number): Promise<ConsumeMessage[]>;
  close(): Promise<void>;
}

/**
 * Declares a fresh exchange (so parallel test files never see each other's events) and an
 * exclusive queue bound with `pattern`, and consumes it.
 */
export async function tapExchange(pattern = "#", exchange = `test.events.${randomUUID()}`): Promise<QueueTap> {
  const connection: ChannelModel = await amqplib.connect(AMQP_URL);
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  await channel.bindQueue(queue, exchange, pattern);
  const messages: ConsumeMessage[] = [];
  const waiters = new Set<() => void>();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      messages.push(message);
      waiters.forEach((wake) => wake());
    },
    { noAck: true },
  );
  return {
    exchange,
    messages,
    waitFor(count, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} message(s) on ${exchange}, got ${messages.length} within ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

/**
 * Runs `send`, then returns its result and every message that arrived on `tap` because of it.
 * A 202 comes only after the broker's confirm, so by then anything published is already queued;
 * the short pause lets the consumer receive it.
 */
export async function publishedBy<T extends { status: number }>(
  tap: QueueTap,
  send: () => Promise<T>,
): Promise<{ answer: T; arrived: ConsumeMessage[] }> {
  const before = tap.messages.length;
  const answer = await send();
  if (answer.status === 202) await tap.waitFor(before + 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { answer, arrived: tap.messages.slice(before) };
}
