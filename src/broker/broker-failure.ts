import { brokerUrls } from "./broker-urls.js";

/**
 * Why a connection to RabbitMQ failed, in the operator's terms. A refusal (wrong user or
 * password, a virtual host that does not exist or is not permitted) is a configuration error:
 * retrying the same URL cannot heal it, a person must fix AMQP_URL or the broker's users. An
 * unreachable broker (refused TCP connection, unknown host, timeout) may heal by itself.
 */
export type BrokerFailureKind = "refused_credentials" | "refused_vhost" | "unreachable";

export interface BrokerFailure {
  readonly kind: BrokerFailureKind;
  /** ACCESS_REFUSED, NOT_ALLOWED, or the socket's code (ECONNREFUSED, ENOTFOUND, …). */
  readonly code: string;
  /** One line: what failed, where (user and host, never the password), and what to do. */
  readonly message: string;
}

/** The broker refuses a connection's AMQP_URL (credentials, vhost): since when, and why. */
export interface BrokerRefusal {
  readonly since: Date;
  readonly failure: BrokerFailure;
}

/**
 * The refusal going on after a connection's latest report (a failure, or undefined for a
 * connect): it begins at the first refusal of its kind and ends with a connect, or with a broker
 * that is now merely unreachable (an outage, said apart).
 */
export function nextRefusal(current: BrokerRefusal | undefined, failure: BrokerFailure | undefined, now = new Date()): BrokerRefusal | undefined {
  if (!failure || failure.kind === "unreachable") return undefined;
  return current?.failure.kind === failure.kind ? current : { since: now, failure };
}

/** sysexits: EX_CONFIG for a refusal (fix the configuration), EX_UNAVAILABLE for an unreachable broker. */
export const EXIT_BROKER_REFUSED = 78;
export const EXIT_BROKER_UNREACHABLE = 69;

/** A CLI command could not connect: one line to print, and the exit code. */
export class BrokerConnectError extends Error {
  override readonly name = "BrokerConnectError";
  readonly exitCode: number;
  constructor(readonly failure: BrokerFailure) {
    super(failure.message);
    this.exitCode = failure.kind === "unreachable" ? EXIT_BROKER_UNREACHABLE : EXIT_BROKER_REFUSED;
  }
}

/**
 * amqplib's errors, as RabbitMQ 3.x/4.x and Node report them:
 * - wrong user or password: `Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused …"`;
 * - unknown or forbidden vhost: `Expected ConnectionOpenOk; got <ConnectionClose channel:0>` (530 NOT_ALLOWED);
 * - otherwise a socket error with a `code` (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ECONNRESET, …).
 */
export function describeBrokerFailure(error: Error, url: string): BrokerFailure {
  const broker = brokerAddress(url);
  const code = (error as NodeJS.ErrnoException).code;
  if (/ACCESS.REFUSED/.test(error.message)) {
    return {
      kind: "refused_credentials",
      code: "ACCESS_REFUSED",
      message: `RabbitMQ at ${broker} refused the credentials (ACCESS_REFUSED): check the user and password in AMQP_URL (RabbitMQ's guest user may only connect from localhost)`,
    };
  }
  if (/NOT.ALLOWED|Expected ConnectionOpenOk/.test(error.message)) {
    return {
      kind: "refused_vhost",
      code: "NOT_ALLOWED",
      message: `RabbitMQ at ${broker} refused the virtual host (NOT_ALLOWED): check that the vhost in AMQP_URL exists and the user has permissions on it`,
    };
  }
  const why = code ?? error.message;
  return {
    kind: "unreachable",
    code: code ?? "unknown",
    message: `could not reach RabbitMQ at ${broker} (${why}): is it running, and are AMQP_URL's host and port right?`,
  };
}

/**
 * `amqp://user@host:port/vhost`: who connects where, without the password or the query. For
 * AMQP_URL naming several nodes, each of them, comma-separated.
 */
export function brokerAddress(url: string): string {
  return brokerUrls(url).map(oneAddress).join(", ");
}

function oneAddress(url: string): string {
  try {
    const parsed = new URL(url);
    // amqplib logs in as guest when the URL names no user.
    const user = `${parsed.username ? decodeURIComponent(parsed.username) : "guest"}@`;
    const vhost = parsed.pathname && parsed.pathname !== "/" ? parsed.pathname : "";
    return `${parsed.protocol}//${user}${parsed.host}${vhost}`;
  } catch {
    return "(an unreadable AMQP_URL)";
  }
}
