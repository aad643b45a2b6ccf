import type { Logger } from "pino";
import { nextRefusal, type BrokerRefusal } from "../broker/broker-failure.js";
import { createEventPublisher, type EventPublisherOptions } from "../broker/event-publisher.js";
import type { BrokerEnv } from "../broker/broker-env.js";
import type { CoreEnv } from "../config/env.js";
import type { SpoolEnv } from "./spool-env.js";
import { openSpool, type OpenedSpool, type SpoolProblem } from "./open-spool.js";
import { type IngressSink, spoolingSink } from "./spooling-sink.js";

/** What the sink reads of the environment: the broker to publish to, and the spool behind it. */
type SinkEnv = Pick<BrokerEnv, "AMQP_URL" | "AMQP_EXCHANGE" | "PUBLISH_TIMEOUT_MS"> & SpoolEnv & Pick<CoreEnv, "DATA_DIR">;

export type { BrokerRefusal } from "../broker/broker-failure.js";
export type { IngressProblem, IngressSink } from "./spooling-sink.js";

/**
 * The ingress's event sink from the environment: the spool in DATA_DIR, a publisher to
 * AMQP_EXCHANGE that confirms within PUBLISH_TIMEOUT_MS, and the spooling sink over both (see
 * spoolingSink for how events choose between them).
 */
export async function createIngressSink(
  env: SinkEnv,
  logger: Logger,
  declareTopology?: EventPublisherOptions["declareTopology"],
): Promise<IngressSink> {
  const { spool, problems: startupProblems } = openSpoolOrReport(env, logger);
  let brokerConnected: (() => void) | undefined;
  let refusal: BrokerRefusal | undefined;
  const publisher = await createEventPublisher({
    url: env.AMQP_URL,
    exchange: env.AMQP_EXCHANGE,
    confirmTimeoutMs: env.PUBLISH_TIMEOUT_MS,
    logger,
    ...(declareTopology ? { declareTopology } : {}),
    onConnectedChange: (connected) => {
      if (connected) brokerConnected?.();
    },
    onConnectFailure: (failure) => {
      refusal = nextRefusal(refusal, failure);
    },
  });
  const made = spoolingSink({ publisher, spool, startupProblems, env, logger, brokerRefusal: () => refusal });
  brokerConnected = made.brokerConnected;
  return made.sink;
}

function openSpoolOrReport(env: SinkEnv, logger: Logger): Partial<OpenedSpool> & { problems: readonly SpoolProblem[] } {
  try {
    return openSpool({ dir: env.DATA_DIR, maxBytes: env.SPOOL_MAX_BYTES, logger });
  } catch (error) {
    const busy = (error as { code?: string }).code === "SQLITE_BUSY";
    const hint = busy ? " (another process has it open: give each router its own DATA_DIR)" : "";
    const message = `cannot open the spool in ${env.DATA_DIR}: ${(error as Error).message}${hint}`;
    logger.error({ err: error }, `${message}; events are accepted only while the broker confirms them`);
    return { problems: [{ code: "spool_unavailable", message, at: new Date().toISOString() }] };
  }
}
