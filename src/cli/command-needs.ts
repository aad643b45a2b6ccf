import { BrokerConnectError } from "../broker/broker-failure.js";
import { ConfigError } from "../config/config-error.js";

/**
 * What each operator command needs, and what it does not: said on the line that reports the
 * thing it lacks, so nobody sets webhook secrets to read the delivery log.
 */
export const NEEDS = {
  tail: "tail reads the exchange: it needs RabbitMQ (AMQP_URL) only, not the routes, their secrets or the state store",
  events:
    "events reads the delivery log: it needs the state store (DATA_DIR's state.sqlite, or DATABASE_URL) only, not RabbitMQ, the routes or their secrets",
  dlq: "dlq walks each route's dead-letter queue: it needs RabbitMQ (AMQP_URL), the route ids in ROUTES_DIR and, to record replays, the state store; not the routes' secrets",
  routes:
    "routes reads and writes the pauses in the state store (DATA_DIR's state.sqlite, or DATABASE_URL) and reads the route ids in ROUTES_DIR; list also asks RabbitMQ (AMQP_URL) for each queue's depth; not the routes' secrets",
  destinations:
    "destinations reads and writes the pauses in the state store (DATA_DIR's state.sqlite, or DATABASE_URL) and reads the ids in ROUTES_DIR; not RabbitMQ or the routes' secrets",
  alerts:
    "alerts reads the alerts journal: it needs the state store (DATA_DIR's state.sqlite, or DATABASE_URL) only, not RabbitMQ, the routes or their secrets",
} as const;

export type OperatorCommand = keyof typeof NEEDS;

/** A state store that cannot be found or opened, for a command that reads it. */
export class StateStoreError extends Error {
  override readonly name = "StateStoreError";
}

/** A command stopped for want of something: one line (and a ConfigError's problems), its exit code. */
export class CommandNeedsError extends Error {
  override readonly name = "CommandNeedsError";
  readonly exitCode: number;
  constructor(command: OperatorCommand, cause: BrokerConnectError | ConfigError | StateStoreError) {
    const [first, ...rest] = cause.message.split("\n");
    super([`webhook-router ${command}: ${first} (${NEEDS[command]})`, ...rest].join("\n"), { cause });
    this.exitCode = cause instanceof BrokerConnectError ? cause.exitCode : cause instanceof ConfigError ? 78 : 1;
  }
}

/** Runs an operator command, saying what it needs when it stops for want of it. */
export async function withNeeds(command: OperatorCommand, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BrokerConnectError || error instanceof ConfigError || error instanceof StateStoreError) {
      throw new CommandNeedsError(command, error);
    }
    throw error;
  }
}
