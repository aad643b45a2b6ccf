import type { Route, RoutingTable, Source } from "../../config/load-routes.js";
import type { CloudEvent } from "../../contracts/cloud-event.js";
import { topicMatches } from "../../broker/topic-match.js";

/** A routing key whose event name is dot words, as the router forms them (events/event-name.ts). */
const ROUTING_KEY = /^[a-z0-9][a-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;

/** An event as the router would publish it, from one of a route's `examples`. */
export interface EventExample {
  readonly name: string;
  readonly event: CloudEvent;
}

/** An event name the routing table names for a source: in a route's `events`, an example's `type`, or the source's `schema.events`. */
export interface KnownEvent {
  readonly eventName: string;
  readonly routingKey: string;
  readonly examples: readonly EventExample[];
  /** The routes whose queues receive it. */
  readonly routes: readonly Route[];
}

/** What the exchange carries from one source: named events, and any name its sender sends. */
export interface SourceEvents {
  readonly source: Source;
  readonly known: readonly KnownEvent[];
  /** Routes whose patterns can match some event of this source. */
  readonly routes: readonly Route[];
}

/**
 * Per webhook source (in id order), the events the routing table names and the routes that consume
 * them. API endpoints (`api:`) are left out: their calls go straight to their sync route's queue,
 * never through the exchange, and they are not served under `/webhooks/`.
 */
export function sourceEvents(table: RoutingTable): SourceEvents[] {
  const routes = [...table.routes.values()];
  return [...table.sources.values()]
    .filter((source) => !source.api)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((source) => ({
      source,
      known: knownNames(source, routes).map((eventName) => knownEvent(source.id, eventName, routes)),
      routes: routes.filter((route) => route.events.some((pattern) => mayMatchSource(pattern, source.id))),
    }));
}

function knownNames(source: Source, routes: readonly Route[]): string[] {
  const sourceId = source.id;
  const keys = new Set<string>(Object.keys(source.requestSchemas?.documents.events ?? {}).map((name) => `${sourceId}.${name}`));
  for (const route of routes) {
    for (const pattern of route.events) if (!/[*#]/.test(pattern)) keys.add(pattern);
    for (const example of route.examples) keys.add(example.event.type);
  }
  const prefix = `${sourceId}.`;
  return [...keys]
    .filter((key) => key.startsWith(prefix) && ROUTING_KEY.test(key))
    .map((key) => key.slice(prefix.length))
    .sort();
}

function knownEvent(sourceId: string, eventName: string, routes: readonly Route[]): KnownEvent {
  const routingKey = `${sourceId}.${eventName}`;
  const examples: EventExample[] = [];
  for (const route of routes) {
    for (const example of route.examples) {
      if (example.event.type !== routingKey) continue;
      const { id, time, subject, data } = example.event;
      examples.push({
        name: `${route.id}: ${example.name}`,
        // As the router publishes it: `source` is always the source's URL, `type` the routing key.
        event: {
          specversion: "1.0",
          id,
          source: `/webhooks/${sourceId}`,
          type: routingKey,
          time,
          datacontenttype: "application/json",
          ...(subject === undefined ? {} : { subject }),
          data,
        },
      });
    }
  }
  return { eventName, routingKey, examples, routes: routes.filter((route) => route.events.some((pattern) => topicMatches(pattern, routingKey))) };
}

/** Whether a topic pattern can match `{sourceId}.{anything}`. */
function mayMatchSource(pattern: string, sourceId: string): boolean {
  const first = pattern.split(".")[0];
  return first === sourceId || first === "*" || first === "#";
}
