import amqplib, { type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from "amqplib";
import type { Logger } from "pino";
import { redactUrl } from "../config/env.js";
import { BrokerConnectError, brokerAddress, describeBrokerFailure, type BrokerFailure } from "./broker-failure.js";

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
  /** Told of every failed connection attempt (why), and of each successful connect (undefined). */
  readonly onConnectFailure?: (failure: BrokerFailure | undefined) => void;
}

/** Reconnect backoff: capped exponential with jitter, forever — an outage must heal by itself. */
const RECOVERY = { initialDelay: 200, maxDelay: 10_000, factor: 2, jitter: 0.3, maxRetries: Infinity } as const;

/**
 * After a refusal (credentials, vhost) the broker is up and said no: retrying every 10 s would
 * only fill its log with failed logins. Still retried, so a fix on the broker's side (the user
 * created, the password reset) heals without a restart.
 */
const REFUSED_RETRY_MS = 30_000;
/** A refusal that goes on is logged at error again this often (every attempt is logged at debug). */
const REFUSED_REMINDER_MS = 5 * 60_000;

/**
 * Opens the RabbitMQ connection with amqplib's own recovery. Returns at once: the process starts
 * and reports not-ready while the broker is unreachable, instead of crash-looping.
 */
export async function connectBroker(options: BrokerConnectionOptions): Promise<RecoveringChannelModel> {
  const logger = options.logger.child({ connection: options.name });
  const where = redactUrl(options.url);
  let lastFailure: BrokerFailure | undefined;
  let refusalLoggedAt = 0;
  const connection = await amqplib.connect(withHeartbeat(options.url), {
    clientProperties: { connection_name: `webhook-router ${options.name}` },
    recovery: {
      ...RECOVERY,
      waitForConnect: false,
      setup: options.setup,
      // amqplib asks after emitting connect-failed, so lastFailure is the attempt that just failed.
      calculateDelay: (attempt) => (lastFailure && lastFailure.kind !== "unreachable" ? jittered(REFUSED_RETRY_MS) : backoff(attempt)),
    },
  });
  connection.on("connect", () => {
    if (lastFailure && lastFailure.kind !== "unreachable") logger.info({ broker: where }, "the broker accepts the credentials in AMQP_URL again");
    lastFailure = undefined;
    refusalLoggedAt = 0;
    options.onConnectFailure?.(undefined);
    logger.info({ broker: where }, "connected to the broker");
  });
  connection.on("disconnect", (error: Error) => {
    options.onDisconnect();
    logger.warn({ broker: where, err: error.message }, "lost the broker connection; reconnecting");
  });
  connection.on("connect-failed", (error: Error) => {
    const failure = describeBrokerFailure(error, options.url);
    const changed = failure.kind !== lastFailure?.kind;
    lastFailure = failure;
    options.onConnectFailure?.(failure);
    if (failure.kind === "unreachable") {
      logger.warn({ broker: where, err: error.message, code: failure.code }, "could not connect to the broker");
    } else if (changed || Date.now() - refusalLoggedAt >= REFUSED_REMINDER_MS) {
      // A configuration error, not an outage: error level, and what to fix. Retried every 30 s.
      refusalLoggedAt = Date.now();
      logger.error({ broker: brokerAddress(options.url), code: failure.code, retryInMs: REFUSED_RETRY_MS }, failure.message);
    } else {
      logger.debug({ broker: where, code: failure.code }, "the broker refused the connection again");
    }
  });
  connection.on("reconnect-scheduled", ({ attempt, delay }: { attempt: number; delay: number }) =>
    logger.debug({ attempt, delay }, "broker reconnect scheduled"),
  );
  connection.on("blocked", (reason: string) => logger.warn({ reason }, "the broker blocked publishing"));
  connection.on("unblocked", () => logger.info("the broker unblocked publishing"));
  connection.on("error", (error: Error) => logger.error({ err: error.message }, "broker connection error"));
  connection.on("handler-error", (error: Error, event: string) => logger.error({ err: error, event }, "error in a broker event handler"));
  return connection;
}

/** amqplib's own schedule (capped exponential, jitter), for the failures that may heal by themselves. */
function backoff(attempt: number): number {
  const base = Math.min(RECOVERY.maxDelay / (1 + RECOVERY.jitter), RECOVERY.initialDelay * RECOVERY.factor ** (attempt - 1));
  return jittered(base);
}

function jittered(ms: number): number {
  return Math.max(0, Math.round(ms + (Math.random() * 2 - 1) * ms * RECOVERY.jitter));
}

/** Listeners every channel needs: protocol errors are logged, never thrown into amqplib. */
export function watchChannel(channel: ConfirmChannel | amqplib.Channel, logger: Logger, name: string): void {
  channel.on("error", (error: Error) => logger.error({ channel: name, err: error.message }, "channel error"));
  channel.on("handler-error", (error: Error, event: string) =>
    logger.error({ channel: name, err: error, event }, "error in a channel event handler"),
  );
}

/**
 * A plain connection (no recovery), named in RabbitMQ's UI and with a heartbeat: how everything
 * that is not the publisher's or the workers' recovering connection dials the broker — the
 * dead-letter walks, `tail`, and `amqp` destinations. Errors are amqplib's own.
 */
export function openConnection(url: string, options: { readonly name: string; readonly timeoutMs?: number | undefined }): Promise<ChannelModel> {
  return amqplib.connect(withHeartbeat(url), {
    clientProperties: { connection_name: options.name },
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
}

/**
 * A connection for one piece of work — a dead-letter walk, `tail` — without recovery: if it
 * cannot be opened, the caller gets a BrokerConnectError saying in one line why (credentials
 * refused, vhost refused, unreachable) and what to check; the password never appears in it.
 */
export async function connectOnce(url: string, name: string): Promise<ChannelModel> {
  return openConnection(url, { name }).catch((error: Error) => {
    throw new BrokerConnectError(describeBrokerFailure(error, url));
  });
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
