import amqplib, { type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from "amqplib";
import type { Logger } from "pino";
import { redactUrl } from "../config/env.js";

export interface BrokerConnectionOptions {
  readonly url: string;
  /** `publish` or `workers`: names the connection in RabbitMQ's UI and in every log line. */
  readonly name: string;
  readonly logger: Logger;
  /**
   * Runs after every (re)connect, before the connection counts as up: declare topology and open
   * channels here, because channels do not survive a reconnect.
   */
  readonly setup: (model: ChannelModel) => Promise<void>;
  /** Called when the connection drops, so holders of channels can let go of them. */
  readonly onDisconnect: () => void;
}

/** Reconnect backoff: capped exponential with jitter, forever — an outage must heal by itself. */
const RECOVERY = { initialDelay: 200, maxDelay: 10_000, factor: 2, jitter: 0.3, maxRetries: Infinity } as const;

/**
 * Opens the RabbitMQ connection with amqplib's own recovery. Returns at once: the process starts
 * and reports not-ready while the broker is unreachable, instead of crash-looping.
 */
export async function connectBroker(options: BrokerConnectionOptions): Promise<RecoveringChannelModel> {
  const logger = options.logger.child({ connection: options.name });
  const where = redactUrl(options.url);
  const connection = await amqplib.connect(withHeartbeat(options.url), {
    clientProperties: { connection_name: `webhook-router ${options.name}` },
    recovery: { ...RECOVERY, waitForConnect: false, setup: options.setup },
  });
  connection.on("connect", () => logger.info({ broker: where }, "connected to the broker"));
  connection.on("disconnect", (error: Error) => {
    options.onDisconnect();
    logger.warn({ broker: where, err: error.message }, "lost the broker connection; reconnecting");
  });
  connection.on("connect-failed", (error: Error) =>
    logger.warn({ broker: where, err: error.message }, "could not connect to the broker"),
  );
  connection.on("reconnect-scheduled", ({ attempt, delay }: { attempt: number; delay: number }) =>
    logger.debug({ attempt, delay }, "broker reconnect scheduled"),
  );
  connection.on("blocked", (reason: string) => logger.warn({ reason }, "the broker blocked publishing"));
  connection.on("unblocked", () => logger.info("the broker unblocked publishing"));
  connection.on("error", (error: Error) => logger.error({ err: error.message }, "broker connection error"));
  connection.on("handler-error", (error: Error, event: string) =>
    logger.error({ err: error, event }, "error in a broker event handler"),
  );
  return connection;
}

/** Listeners every channel needs: protocol errors are logged, never thrown into amqplib. */
export function watchChannel(channel: ConfirmChannel | amqplib.Channel, logger: Logger, name: string): void {
  channel.on("error", (error: Error) => logger.error({ channel: name, err: error.message }, "channel error"));
  channel.on("handler-error", (error: Error, event: string) =>
    logger.error({ channel: name, err: error, event }, "error in a channel event handler"),
  );
}

/**
 * RabbitMQ proposes a 60 s heartbeat; a link that dies silently (a firewall dropping the flow)
 * would then go unnoticed for up to two minutes, with every publish waiting for its timeout.
 * 10 s unless the URL says otherwise.
 */
export function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", "10");
  return parsed.toString();
}
