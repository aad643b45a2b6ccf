import amqplib, { type ChannelModel, type ConfirmChannel } from "amqplib";
import type { Logger } from "pino";
import { redactUrl } from "../config/env.js";
import { BrokerConnectError, brokerAddress, describeBrokerFailure, type BrokerFailure } from "./broker-failure.js";
import { brokerUrls, nodeOrder } from "./broker-urls.js";
import { FailoverConnection } from "./failover-connection.js";

export interface BrokerConnectionOptions {
  /** AMQP_URL: one URL, or the nodes of one cluster comma-separated (broker-urls.ts). */
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
const RECOVERY = { initialDelay: 200, maxDelay: 10_000, factor: 2, jitter: 0.3 } as const;

/**
 * After a refusal (credentials, vhost) the broker is up and said no: retrying every 10 s would
 * only fill its log with failed logins. Still retried, so a fix on the broker's side (the user
 * created, the password reset) heals without a restart.
 */
const REFUSED_RETRY_MS = 30_000;
/** A refusal that goes on is logged at error again this often (every attempt is logged at debug). */
const REFUSED_REMINDER_MS = 5 * 60_000;

/** What holders of the recovering connection may do with it: close it when they stop. */
export interface BrokerConnection {
  close(): Promise<void>;
}

/** A connection attempt that hangs (a node whose host drops packets) must not stall failover. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the RabbitMQ connection, recovering by itself. Returns at once: the process starts and
 * reports not-ready while the broker is unreachable, instead of crash-looping. When AMQP_URL
 * names several nodes of a cluster, it starts at a random one and, on loss or a failed attempt,
 * moves on to the next, round-robin, with the same backoff (counted in rounds of the list).
 */
export async function connectBroker(options: BrokerConnectionOptions): Promise<BrokerConnection> {
  const logger = options.logger.child({ connection: options.name });
  const urls = nodeOrder(brokerUrls(options.url));
  let lastFailure: BrokerFailure | undefined;
  let refusalLoggedAt = 0;
  const connection = new FailoverConnection({
    urls,
    open: (url) => openConnection(url, { name: `webhook-router ${options.name}`, timeoutMs: CONNECT_TIMEOUT_MS }),
    setup: options.setup,
    // Asked after connect-failed is emitted, so lastFailure is the attempt that just failed.
    delay: (attempt) => (lastFailure && lastFailure.kind !== "unreachable" ? jittered(REFUSED_RETRY_MS) : backoff(Math.ceil(attempt / urls.length))),
  });
  connection.on("connect", (_model: ChannelModel, url: string) => {
    if (lastFailure && lastFailure.kind !== "unreachable")
      logger.info({ broker: redactUrl(url) }, "the broker accepts the credentials in AMQP_URL again");
    lastFailure = undefined;
    refusalLoggedAt = 0;
    options.onConnectFailure?.(undefined);
    logger.info({ broker: redactUrl(url) }, "connected to the broker");
  });
  connection.on("disconnect", (error: Error, url: string) => {
    options.onDisconnect();
    logger.warn({ broker: redactUrl(url), err: error.message }, "lost the broker connection; reconnecting");
  });
  connection.on("connect-failed", (error: Error, url: string) => {
    const failure = describeBrokerFailure(error, url);
    const changed = failure.kind !== lastFailure?.kind;
    lastFailure = failure;
    options.onConnectFailure?.(failure);
    if (failure.kind === "unreachable") {
      logger.warn({ broker: redactUrl(url), err: error.message, code: failure.code }, "could not connect to the broker");
    } else if (changed || Date.now() - refusalLoggedAt >= REFUSED_REMINDER_MS) {
      // A configuration error, not an outage: error level, and what to fix. Retried every 30 s.
      refusalLoggedAt = Date.now();
      logger.error({ broker: brokerAddress(url), code: failure.code, retryInMs: REFUSED_RETRY_MS }, failure.message);
    } else {
      logger.debug({ broker: redactUrl(url), code: failure.code }, "the broker refused the connection again");
    }
  });
  connection.on("reconnect-scheduled", ({ attempt, delay, url }: { attempt: number; delay: number; url: string }) =>
    logger.debug({ attempt, delay, broker: redactUrl(url) }, "broker reconnect scheduled"),
  );
  connection.on("blocked", (reason: string) => logger.warn({ reason }, "the broker blocked publishing"));
  connection.on("unblocked", () => logger.info("the broker unblocked publishing"));
  connection.on("error", (error: Error) => logger.error({ err: error.message }, "broker connection error"));
  connection.on("handler-error", (error: Error, event: string) => logger.error({ err: error, event }, "error in a broker event handler"));
  return connection;
}

/** amqplib's recovery schedule (capped exponential, jitter), for the failures that may heal by themselves. */
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
 * dead-letter walks, `tail`, and `amqp` destinations. When `url` names several nodes, each is
 * tried in the order written until one answers. Errors are amqplib's own.
 */
export function openConnection(url: string, options: OpenOptions): Promise<ChannelModel> {
  return openFirst(url, options).catch((failed: NodeConnectError) => {
    throw failed.error;
  });
}

/**
 * A connection for one piece of work — a dead-letter walk, `tail` — without recovery: if it
 * cannot be opened, the caller gets a BrokerConnectError saying in one line why (credentials
 * refused, vhost refused, unreachable) and what to check; the password never appears in it.
 */
export async function connectOnce(url: string, name: string): Promise<ChannelModel> {
  return openFirst(url, { name }).catch((failed: NodeConnectError) => {
    throw new BrokerConnectError(describeBrokerFailure(failed.error, failed.url));
  });
}

interface OpenOptions {
  readonly name: string;
  readonly timeoutMs?: number | undefined;
}

/** Why no node answered: the most telling failure (a refusal rather than a node that is down), and whose. */
class NodeConnectError extends Error {
  constructor(
    readonly error: Error,
    readonly url: string,
  ) {
    super(error.message);
  }
}

async function openFirst(url: string, options: OpenOptions): Promise<ChannelModel> {
  let telling: NodeConnectError | undefined;
  for (const node of brokerUrls(url)) {
    try {
      return await amqplib.connect(withHeartbeat(node), {
        clientProperties: { connection_name: options.name },
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      });
    } catch (error) {
      const failed = new NodeConnectError(error as Error, node);
      if (!telling || (unreachable(telling) && !unreachable(failed))) telling = failed;
    }
  }
  throw telling;
}

function unreachable(failed: NodeConnectError): boolean {
  return describeBrokerFailure(failed.error, failed.url).kind === "unreachable";
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
