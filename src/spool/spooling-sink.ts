import type { Logger } from "pino";
import { BrokerUnavailableError } from "../broker/broker-errors.js";
import type { BrokerRefusal } from "../broker/broker-failure.js";
import type { EventPublisher } from "../broker/event-publisher.js";
import { type AcceptedVia, type EventSink, SinkUnavailableError } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { SpoolProblem } from "./open-spool.js";
import { Relay } from "./relay.js";
import { SpoolFullError, SpoolUnavailableError, SpoolWriteError } from "./spool-errors.js";
import type { SpoolEnv } from "./spool-env.js";
import { SpoolHealth } from "./spool-health.js";
import type { Spool, SpoolDepth } from "./spool.js";
import { withinMs } from "./within-ms.js";

/** Something an operator must look at, in /readyz's `problems`. */
export interface IngressProblem {
  readonly code: SpoolProblem["code"] | "broker_refused";
  readonly message: string;
  readonly at: string;
}

export interface IngressSink extends EventSink {
  /** Events waiting in the local spool, for /readyz and metrics. */
  depth(): SpoolDepth & { readonly maxBytes: number };
  /** What an operator must look at (a damaged spool file, a full spool, a failing disk, a broker refusing AMQP_URL). */
  readonly problems: readonly IngressProblem[];
  /** Set while the broker refuses the connection: a configuration error that will not heal by itself. */
  readonly brokerRefusal: BrokerRefusal | undefined;
  /** Waits (at most `ms`) for accepts and confirms in flight, then releases the broker and spool. */
  close(ms: number): Promise<void>;
}

/** What the spooling sink is built from: a publisher, the spool opened behind it (if it could be), and settings. */
export interface SinkParts {
  readonly publisher: EventPublisher;
  /** Undefined when it could not be opened: events are then accepted only while the broker confirms them. */
  readonly spool: Spool | undefined;
  /** What opening the spool found (a damaged file moved aside, a spool that would not open). */
  readonly startupProblems: readonly SpoolProblem[];
  readonly env: Pick<SpoolEnv, "SPOOL_MAX_BYTES" | "SPOOL_RELAY_TIMEOUT_MS" | "SPOOL_RELAY_WINDOW">;
  readonly logger: Logger;
  /** The broker's refusal of the connection, as the publisher's connection reports it. */
  readonly brokerRefusal: () => BrokerRefusal | undefined;
}

/** Bytes of bodies the relay keeps unconfirmed at once, whatever SPOOL_RELAY_WINDOW says. */
const RELAY_WINDOW_BYTES = 16 * 1024 ** 2;

type BrokerReason = BrokerUnavailableError["reason"];

/**
 * Where the ingress puts accepted events: straight to the broker with a confirm while it is
 * connected and the spool is empty; otherwise — or when that publish fails or is not confirmed
 * within its timeout — into the fsync'd spool, which the relay drains in arrival order.
 * While the spool holds anything, new events join it rather than overtake it. A publish that timed
 * out may still be confirmed later, and its spooled copy is published again: a duplicate with
 * the same id, never a loss. Only when the spool cannot take the event either does `accept` reject.
 * `brokerConnected` is to be called whenever the publisher (re)connects: the relay stops waiting.
 */
export function spoolingSink(parts: SinkParts): { sink: IngressSink; brokerConnected: () => void } {
  const { publisher, spool, env, logger, brokerRefusal } = parts;
  const health = new SpoolHealth(spool, parts.startupProblems);
  let spooling = false;
  let lastBrokerFailure: BrokerReason = "not_connected";
  if (spool && !spool.isEmpty) {
    spooling = true;
    logger.warn({ spooled: spool.depth().count }, "events left in the spool by a previous run: relaying them first");
  }
  let relay: Relay | undefined;
  if (spool) {
    relay = new Relay({
      spool,
      publish: (event) => publisher.publish(event, env.SPOOL_RELAY_TIMEOUT_MS),
      isConnected: () => publisher.connected,
      logger,
      window: env.SPOOL_RELAY_WINDOW,
      windowBytes: RELAY_WINDOW_BYTES,
      onDrained: () => {
        spooling = false;
        logger.info("spool drained: publishing directly again");
      },
    });
    relay.start();
  }

  const direct = () => publisher.connected && (spool?.isEmpty ?? true);

  async function toSpool(event: NormalizedEvent, reason: BrokerReason): Promise<void> {
    if (!spool) throw new SpoolUnavailableError("the broker cannot take the event and there is no spool", reason, "spool_error");
    try {
      await spool.append({ ...event, receivedAt: Date.now() });
    } catch (error) {
      if (error instanceof SpoolFullError) {
        health.refusedForRoom(error.message);
        logger.error({ depth: spool.depth(), maxBytes: spool.maxBytes, kind: error.kind }, "the spool is full: answering 503");
        throw new SpoolUnavailableError(error.message, reason, "spool_full");
      }
      if (error instanceof SpoolWriteError) {
        health.writeFailed(error.message);
        logger.error({ err: error.message }, "could not write the spool: answering 503");
        throw new SpoolUnavailableError(error.message, reason, "spool_error");
      }
      throw error;
    }
    health.appended();
    if (!spooling) {
      spooling = true;
      logger.warn({ reason }, "the broker cannot take events now: keeping them in the local spool");
    }
    relay?.spooled();
  }

  async function accept(event: NormalizedEvent): Promise<AcceptedVia> {
    if (direct()) {
      try {
        await publisher.publish(event);
        return "broker";
      } catch (error) {
        if (!(error instanceof BrokerUnavailableError)) throw error;
        lastBrokerFailure = error.reason;
        logger.debug({ id: event.id, reason: error.reason }, "publish failed: spooling the event");
      }
    } else if (!publisher.connected) {
      lastBrokerFailure = "not_connected";
    }
    await toSpool(event, lastBrokerFailure);
    return "spool";
  }

  const inFlight = new Set<Promise<unknown>>();
  let closing = false;
  const sink: IngressSink = {
    accept(event) {
      if (closing) return Promise.reject(new SinkUnavailableError("the router is shutting down", "not_connected"));
      const accepted = accept(event);
      const tracked = accepted.catch(() => {}).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      return accepted;
    },
    get ready() {
      return direct() || health.canTake;
    },
    get state() {
      if (health.failing) return "spool_error";
      if (health.full) return "spool_full";
      return direct() ? "broker" : "spool";
    },
    get problems() {
      const problems: IngressProblem[] = health.problems();
      const refusal = brokerRefusal();
      if (refusal)
        problems.push({
          code: "broker_refused",
          message: `${refusal.failure.message}; events go to the spool meanwhile`,
          at: refusal.since.toISOString(),
        });
      return problems;
    },
    get brokerRefusal() {
      return brokerRefusal();
    },
    depth: () => ({ ...(spool?.depth() ?? { count: 0, bytes: 0 }), maxBytes: env.SPOOL_MAX_BYTES }),
    async close(ms) {
      closing = true;
      const deadline = Date.now() + ms;
      const left = () => Math.max(0, deadline - Date.now());
      // Accepts in flight may still fall back to the spool: let them land before it closes.
      await Promise.all([withinMs(Promise.all(inFlight), ms), relay?.stop(ms)]);
      await publisher.close(left());
      spool?.close();
    },
  };
  return { sink, brokerConnected: () => relay?.reconnected() };
}
