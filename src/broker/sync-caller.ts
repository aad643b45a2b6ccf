import { randomUUID } from "node:crypto";
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import { CLOUDEVENTS_CONTENT_TYPE } from "../contracts/cloud-event.js";
import { SinkUnavailableError } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { CALLBACK_URL_HEADER, DIRECT_REPLY_TO, SYNC_STATUS_HEADER, type SyncAnswered, type SyncCaller } from "../contracts/sync-call.js";
import { connectBroker, watchChannel } from "./connection.js";

export interface SyncCallerOptions {
  readonly url: string;
  /** QUEUE_PREFIX: a call goes straight to `{prefix}{routeId}`, so exactly one route runs it. */
  readonly queuePrefix: string;
  /** How long to wait for the broker's confirm of the call. */
  readonly confirmTimeoutMs: number;
  /** How long after its deadline a late answer is still awaited (logged, kept for an Idempotency-Key). */
  readonly lateWaitMs: number;
  readonly logger: Logger;
}

interface Pending {
  /** Undefined: nobody waits any more (the late wait ran out, or the process is closing). */
  answered(reply: SyncAnswered | undefined): void;
}

export interface RunningSyncCaller extends SyncCaller {
  /** Since when no channel has carried calls (undefined while one does): every call is refused with 503 meanwhile. */
  readonly downSince: Date | undefined;
  close(): Promise<void>;
}

/**
 * Synchronous calls over RabbitMQ's direct reply-to: one channel per process publishes every call
 * (persistent, confirmed, `replyTo` amq.rabbitmq.reply-to, a correlation id) and consumes the
 * answers; each answer finds its waiting call by correlation id. No reply queue is declared: the
 * broker routes answers straight to this channel, and drops them if the channel is gone.
 */
export async function createSyncCaller(options: SyncCallerOptions): Promise<RunningSyncCaller> {
  const { logger } = options;
  const pending = new Map<string, Pending>();
  let channel: ConfirmChannel | undefined;
  let downSince: Date | undefined = new Date();
  const lose = (lost: ConfirmChannel | undefined) => {
    if (channel !== lost) return;
    channel = undefined;
    downSince ??= new Date();
  };

  const onReply = (message: ConsumeMessage | null) => {
    if (!message) return;
    const waiting = pending.get(String(message.properties.correlationId));
    const status = Number(message.properties.headers?.[SYNC_STATUS_HEADER] ?? 500) || 500;
    if (waiting) waiting.answered({ kind: "answer", status, body: message.content.toString("utf8") });
    else logger.info({ correlationId: message.properties.correlationId, status }, "a sync answer came after nobody waited for it; dropped");
  };

  const connection = await connectBroker({
    url: options.url,
    name: "sync calls",
    logger,
    setup: async (model: ChannelModel) => {
      const opened = await model.createConfirmChannel();
      watchChannel(opened, logger, "sync calls");
      // Direct reply-to: consume the pseudo-queue, no-ack, before publishing with it.
      await opened.consume(DIRECT_REPLY_TO, onReply, { noAck: true });
      // `mandatory`: a call whose route queue does not exist (yet) comes back at once, not lost.
      opened.on("return", (message: ConsumeMessage) => {
        const body = JSON.stringify({ error: "unavailable", message: "the endpoint's route queue does not exist yet; retry later" });
        pending.get(String(message.properties.correlationId))?.answered({ kind: "answer", status: 503, body });
      });
      opened.on("close", () => lose(opened));
      channel = opened;
      downSince = undefined;
    },
    onDisconnect: () => lose(channel),
  });

  const confirm = (on: ConfirmChannel, routeId: string, event: NormalizedEvent, correlationId: string, callbackUrl?: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SinkUnavailableError("no confirm from the broker in time", "timeout")), options.confirmTimeoutMs);
      const properties = {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        timestamp: Math.floor(Date.now() / 1000),
        appId: "webhook-router",
        // An asynchronous call is answered by its callback, not on this channel.
        ...(callbackUrl === undefined ? { replyTo: DIRECT_REPLY_TO } : { headers: { [CALLBACK_URL_HEADER]: callbackUrl } }),
        correlationId,
        mandatory: true,
      };
      try {
        on.publish("", `${options.queuePrefix}${routeId}`, event.body, properties, (error: unknown) => {
          clearTimeout(timer);
          if (error) reject(new SinkUnavailableError("the broker refused the call (nack or closed channel)", "nacked"));
          else resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        reject(new SinkUnavailableError(`publish failed: ${(error as Error).message}`, "channel_closed"));
      }
    });

  return {
    get ready() {
      return channel !== undefined;
    },
    get downSince() {
      return downSince;
    },
    async call(routeId, event, deadlineMs) {
      const started = Date.now();
      const on = channel;
      if (!on) throw new SinkUnavailableError("not connected to the broker", "not_connected");
      const correlationId = randomUUID();
      let answered!: (reply: SyncAnswered | undefined) => void;
      const reply = new Promise<SyncAnswered | undefined>((resolve) => {
        answered = resolve;
      });
      pending.set(correlationId, { answered });
      try {
        await confirm(on, routeId, event, correlationId);
      } catch (error) {
        pending.delete(correlationId);
        throw error;
      }
      const left = Math.max(0, deadlineMs - (Date.now() - started));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"deadline">((resolve) => {
        timer = setTimeout(() => resolve("deadline"), left);
      });
      const first = await Promise.race([reply, deadline]);
      clearTimeout(timer);
      if (first !== "deadline" && first !== undefined) {
        pending.delete(correlationId);
        return first;
      }
      // Past the deadline the work goes on; its answer is still taken for a while (then dropped).
      const giveUp = setTimeout(() => answered(undefined), options.lateWaitMs);
      giveUp.unref();
      const late = reply.finally(() => {
        clearTimeout(giveUp);
        pending.delete(correlationId);
      });
      return { kind: "deadline", late };
    },
    async send(routeId, event, callbackUrl) {
      const on = channel;
      if (!on) throw new SinkUnavailableError("not connected to the broker", "not_connected");
      const correlationId = randomUUID();
      // The broker returns an unroutable message before it confirms it: the return is seen first.
      let returned = false;
      pending.set(correlationId, { answered: () => (returned = true) });
      try {
        await confirm(on, routeId, event, correlationId, callbackUrl);
      } finally {
        pending.delete(correlationId);
      }
      if (returned) throw new SinkUnavailableError("the endpoint's route queue does not exist yet", "nacked");
    },
    async close() {
      for (const waiting of pending.values()) waiting.answered(undefined);
      pending.clear();
      await connection.close().catch(() => {});
    },
  };
}
