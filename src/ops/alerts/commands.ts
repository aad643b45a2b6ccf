/**
 * The commands an email tells the operator to run. Rendered, not hard-coded, because the
 * router may run as `npx webhook-router`, inside `docker compose exec router webhook-router`, or
 * behind another host name, and a command that does not paste is worse than none.
 */
export interface AlertCommands {
  /** Lists a route's dead-lettered events. */
  dlqList(routeId: string): string;
  /** Replays a route's dead-lettered events, or one of them. */
  dlqReplay(routeId: string, eventId?: string): string;
  /** Asks ingress whether the broker or the spool can take events. */
  readyz(): string;
  /** Checks the broker itself, run where RabbitMQ runs. */
  brokerCheck(): string;
  /** Runs one poll of a polling source by hand. */
  pollRun(sourceId: string): string;
}

export interface CommandOptions {
  /** How the CLI is invoked. @defaultValue webhook-router */
  readonly program?: string | undefined;
  /** Ingress readiness URL. @defaultValue http://localhost:8080/readyz */
  readonly readyzUrl?: string | undefined;
}

export function createCommands(options: CommandOptions = {}): AlertCommands {
  const program = options.program ?? "webhook-router";
  const readyzUrl = options.readyzUrl ?? "http://localhost:8080/readyz";
  return {
    dlqList: (routeId) => `${program} dlq list --route ${shellWord(routeId)}`,
    dlqReplay: (routeId, eventId) =>
      `${program} dlq replay --route ${shellWord(routeId)}${eventId === undefined ? "" : ` --id ${shellWord(eventId)}`}`,
    readyz: () => `curl -sS ${shellWord(readyzUrl)}`,
    brokerCheck: () => "rabbitmq-diagnostics -q check_running && rabbitmq-diagnostics -q check_port_connectivity",
    pollRun: (sourceId) => `${program} poll run ${shellWord(sourceId)}`,
  };
}

/** Quotes a value for a POSIX shell only when it needs it, so ordinary ids stay readable. */
export function shellWord(value: string): string {
  if (/^[\w.:/@%+=,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
