import type { ChannelModel, ConfirmChannel, Options } from "amqplib";
import type { Logger } from "pino";
import { nextStep } from "../http-errors.js";
import { DeliveryError, type Adapter, type Delivery } from "../port.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { renderOrReject } from "../render-template.js";
import { Scrubber } from "../scrub.js";
import { compileTemplate } from "../template.js";
import { errorFromBroker } from "./amqp-errors.js";
import type { AmqpDestination } from "./schema.js";

/**
 * How the adapter dials a broker: the router's one way of opening AMQP connections
 * (broker/connection.ts's openConnection), handed in so destinations connect like everything else.
 */
export type OpenAmqp = (url: string, options: { readonly name: string; readonly timeoutMs?: number | undefined }) => Promise<ChannelModel>;

interface Link {
  readonly model: ChannelModel;
  readonly channel: ConfirmChannel;
}

/**
 * Publishes each payload as persistent JSON on a confirm channel and resolves on the broker's
 * confirm. Connects on the first delivery; when the connection or channel drops, the next
 * delivery opens a new one, so every wait stays bounded by the delivery's timeout (a background
 * reconnect loop would make deliveries hang while the broker is away).
 */
export function createAmqpAdapter(id: string, config: AmqpDestination, deps: { logger: Logger; amqpUrl: string; openAmqp: OpenAmqp }): Adapter {
  const url = config.url ?? deps.amqpUrl;
  const label = `amqp destination "${id}" (exchange ${config.exchange})`;
  // The router's AMQP_URL may name several nodes, comma-separated: every password is scrubbed.
  const scrubber = new Scrubber(url.split(/,(?=[a-z][a-z0-9+.-]*:\/\/)/i).map(passwordOf));
  const routingKey = compileTemplate(config.routingKey);
  const { logger } = deps;
  let link: Promise<Link> | undefined;
  let closed = false;

  function connect(): Promise<Link> {
    if (link) return link;
    const opening = open().catch((error: unknown) => {
      if (link === opening) link = undefined;
      throw error;
    });
    link = opening;
    return opening;

    async function open(): Promise<Link> {
      const model = await deps.openAmqp(url, { name: `webhook-router destination ${id}`, timeoutMs: config.timeoutMs });
      const forget = (why: string) => {
        if (link === opening) link = undefined;
        if (!closed) logger.warn({ why }, "amqp destination connection lost; the next delivery reconnects");
      };
      model.on("error", (error: Error) => logger.warn({ err: scrubber.scrub(error.message) }, "amqp destination connection error"));
      model.on("close", () => forget("connection closed"));
      try {
        const channel = await model.createConfirmChannel();
        channel.on("error", (error: Error) => logger.warn({ err: scrubber.scrub(error.message) }, "amqp destination channel error"));
        channel.on("close", () => {
          forget("channel closed");
          model.close().catch(() => {});
        });
        await channel.assertExchange(config.exchange, "topic", { durable: true });
        return { model, channel };
      } catch (error) {
        await model.close().catch(() => {});
        throw error;
      }
    }
  }

  async function publish(delivery: Delivery, key: string, body: Buffer): Promise<void> {
    const { channel } = await connect();
    const { event } = delivery;
    const properties: Options.Publish = {
      persistent: true,
      messageId: delivery.eventId,
      contentType: "application/json",
      type: event.type,
      appId: "webhook-router",
      timestamp: Math.floor(Date.now() / 1000),
      headers: {
        "ce-specversion": event.specversion,
        "ce-id": event.id,
        "ce-source": event.source,
        "ce-type": event.type,
        "ce-time": event.time,
        ...(event.subject === undefined ? {} : { "ce-subject": event.subject }),
      },
    };
    try {
      await new Promise<void>((resolve, reject) => {
        // The return value only says the socket buffer is full; the confirm still comes. A closed
        // channel throws synchronously, which rejects this promise too.
        channel.publish(config.exchange, key, body, properties, (error: unknown) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      // A nack or a channel that closed under the message (say, the exchange was deleted): the
      // next attempt reconnects and declares the exchange again.
      throw new DeliveryError(
        "transient",
        `${label}: the broker did not confirm the message (${describe(error)}) — transient, ${nextStep("transient")}`,
        { cause: error },
      );
    }
  }

  return {
    kind: "amqp",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      if (closed) throw new DeliveryError("transient", `${label}: the adapter is closed (shutting down) — transient, ${nextStep("transient")}`);
      const key = renderOrReject(routingKey, { event: delivery.event, payload: delivery.payload }, label);
      if (Buffer.byteLength(key) > 255) {
        throw new DeliveryError("permanent", `${label}: routing key is longer than 255 bytes — permanent, shorten the routingKey template`);
      }
      if (delivery.payload === undefined) {
        throw new DeliveryError("permanent", `${label}: the mapping produced no payload — permanent, fix the route's mapping`);
      }
      const body = Buffer.from(delivery.payloadJson ?? JSON.stringify(delivery.payload));
      try {
        await withDeadline(publish(delivery, key, body), delivery.signal, config.timeoutMs, label);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        throw errorFromBroker(label, error, scrubber);
      }
      return {};
    },
    async close() {
      closed = true;
      const current = link;
      link = undefined;
      const opened = await current?.catch(() => undefined);
      await opened?.model.close().catch(() => {});
    },
  };
}

/** Rejects with a transient error when the confirm (or the connect) takes longer than allowed. */
function withDeadline<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number, label: string): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const either = AbortSignal.any([signal, timeout]);
  return new Promise<T>((resolve, reject) => {
    const stop = () => {
      const why = timeout.aborted ? `no confirm from the broker within ${timeoutMs} ms` : "the delivery was aborted";
      reject(new DeliveryError("transient", `${label}: ${why} — transient, ${nextStep("transient")}`));
    };
    if (either.aborted) return stop();
    either.addEventListener("abort", stop, { once: true });
    work.then(resolve, reject).finally(() => either.removeEventListener("abort", stop));
  });
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : "nack";
}
