import type { DeadReason } from "../../contracts/outcome.js";

/**
 * What an alert may carry besides its facts: extra people to tell. Like TrackTik's
 * `failureEmail`, a route or source can name its owners; they get the email in addition to
 * ALERT_EMAIL_TO, never instead of it.
 */
interface AlertBase {
  readonly recipients?: readonly string[] | undefined;
}

/** The route's enrichment call that failed (not the destination, which was then never called). */
export interface FailedEnrichment {
  /** The step's `as`. */
  readonly step: string;
  /** Method, host and path; never the query or credentials. */
  readonly call: string;
}

/** An event went to a route's dead-letter queue: it will not be retried on its own. */
export interface DeadLetteredAlert extends AlertBase {
  readonly kind: "dead_lettered";
  readonly routeId: string;
  readonly eventId: string;
  readonly reason: DeadReason;
  /** Already scrubbed by the adapter that produced it. */
  readonly error: string;
  /** The target's HTTP status, when it answered. */
  readonly status?: number | undefined;
  readonly attempts: number;
  /** The destination id the route delivers to. */
  readonly destination?: string | undefined;
  /** Set when an enrichment call failed, not the destination. */
  readonly enrichment?: FailedEnrichment | undefined;
}

/** A target answered 401/403: retrying will not heal it, a person must fix the credential. */
export interface CredentialsAlert extends AlertBase {
  readonly kind: "credentials";
  readonly routeId: string;
  readonly destination: string;
  readonly eventId: string;
  readonly status: number;
  readonly error: string;
  /** Set when an enrichment call was refused, not the destination. */
  readonly enrichment?: FailedEnrichment | undefined;
}

/** Ingress has been writing to its local spool because the broker is unreachable. */
export interface SpoolingAlert extends AlertBase {
  readonly kind: "spooling";
  readonly since: Date;
  /** Events in the spool, waiting for the broker (ingress only). */
  readonly depth?: number;
}

/**
 * RabbitMQ refuses the connection in AMQP_URL (wrong user or password, a vhost that does not exist
 * or is not permitted): a configuration error, so it is sent at once rather than after
 * ALERT_SPOOLING_AFTER. Ingress keeps events in its spool meanwhile; a worker-only process
 * delivers nothing, and events wait in their queues.
 */
export interface BrokerRefusedAlert extends AlertBase {
  readonly kind: "broker_refused";
  /** Which connection is refused: the ingress's (the default) or a worker-only process's. */
  readonly side?: "ingress" | "workers";
  readonly since: Date;
  /** `amqp://user@host:port[/vhost]`: who connects where. Never the password. */
  readonly broker: string;
  /** ACCESS_REFUSED (credentials) or NOT_ALLOWED (virtual host). */
  readonly code: string;
  /** The one-line diagnosis the log carries too. */
  readonly detail: string;
  /** Events in the spool, waiting for the broker (ingress only). */
  readonly depth?: number;
}

/** The spool has drained after a spooling alert: the broker confirms again, nothing is held locally. */
export interface SpoolRecoveredAlert extends AlertBase {
  readonly kind: "spool_recovered";
  /** When the spooling began and when publishing went direct again. */
  readonly since: Date;
  readonly until: Date;
  /** The most events seen in the spool at one check during the outage. */
  readonly peakDepth: number;
}

/** A burst of requests that failed signature verification on one source. */
export interface VerificationFailuresAlert extends AlertBase {
  readonly kind: "verification_failures";
  readonly sourceId: string;
  readonly count: number;
  /** Failures by reason code (`bad_signature`, `timestamp_out_of_tolerance`, …). */
  readonly reasons: Readonly<Record<string, number>>;
  readonly firstAt: Date;
}

/**
 * A polling source keeps failing: its credential is refused (401/403), its responses no longer
 * have the shape the source expects, or it has failed with 5xx, timeouts or network errors for
 * longer than its `alertAfter`. Its cursor stays where it was: nothing is skipped meanwhile.
 */
export interface PollFailedAlert extends AlertBase {
  readonly kind: "poll_failed";
  readonly sourceId: string;
  /** `credentials`, `response`, `http`, `timeout`, `network`. */
  readonly reason: string;
  /** Scrubbed: method, origin and path only, never a query or a credential. */
  readonly error: string;
  readonly status?: number | undefined;
  readonly failingSince: Date;
}

/**
 * A destination's credential expires soon (or has expired) and a person must renew it: known in
 * advance from the token endpoint or the configuration, so it is said before it breaks calls.
 */
export interface TokenExpiringAlert extends AlertBase {
  readonly kind: "token_expiring";
  readonly destination: string;
  /** The destination's kind: `trackvia`, `quickbooks`… */
  readonly destinationKind: string;
  /** What expires: `refresh token`, `API token`. */
  readonly what: string;
  readonly expiresAt: Date;
  /** Where the date comes from: the token endpoint's answer, or the configuration. */
  readonly source: "token endpoint" | "configuration";
  /** The routes that deliver to the destination. */
  readonly routes: readonly string[];
}

export type Alert =
  | DeadLetteredAlert
  | CredentialsAlert
  | SpoolingAlert
  | BrokerRefusedAlert
  | SpoolRecoveredAlert
  | VerificationFailuresAlert
  | PollFailedAlert
  | TokenExpiringAlert;
export type AlertKind = Alert["kind"];

/** Every kind of alert, as the journal and `GET /alerts?kind=` name them. */
// A record, not a list: a kind added to `Alert` and forgotten here fails the type-check.
const KIND_SET: Readonly<Record<AlertKind, true>> = {
  dead_lettered: true,
  credentials: true,
  spooling: true,
  broker_refused: true,
  spool_recovered: true,
  verification_failures: true,
  token_expiring: true,
  poll_failed: true,
};
export const ALERT_KINDS = Object.keys(KIND_SET) as readonly AlertKind[];

/** The thing an alert is about — a route, a source, a destination, or the ingress itself for spooling. */
export function alertSubject(alert: Alert): string {
  switch (alert.kind) {
    case "dead_lettered":
    case "credentials":
      return alert.routeId;
    case "verification_failures":
    case "poll_failed":
      return alert.sourceId;
    case "token_expiring":
      return alert.destination;
    case "broker_refused":
      return alert.side ?? "ingress";
    case "spooling":
    case "spool_recovered":
      return "ingress";
  }
}

/** Throttling key: one stream of emails per kind and route/source. */
export function alertKey(alert: Alert): string {
  return `${alert.kind}:${alertSubject(alert)}`;
}

/**
 * The streams whose pending digests this alert makes stale: once the spool has drained, a "still
 * spooling" (or "still refused") digest sent after the recovery email would only mislead.
 */
export function supersededKeys(alert: Alert): readonly string[] {
  return alert.kind === "spool_recovered" ? ["spooling:ingress", "broker_refused:ingress"] : [];
}

/** The event id an alert is about, if it is about one event. */
export function alertEventId(alert: Alert): string | undefined {
  return alert.kind === "dead_lettered" || alert.kind === "credentials" ? alert.eventId : undefined;
}

/** Stands in for the id of a message that could not be read (a poison message may have none). */
export const UNKNOWN_EVENT_ID = "(unknown id)";
