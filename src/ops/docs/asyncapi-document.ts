import type { PollSource, Route } from "../../config/load-routes.js";
import { CLOUDEVENTS_CONTENT_TYPE } from "../../contracts/cloud-event.js";
import { asyncApiPlacement, asyncApiSchemas, channelPayload } from "./asyncapi-payload.js";
import { amqpPropertiesText } from "./cloud-event-schema.js";
import { deadLetterChannel, deadLetterChannelId } from "./dead-letter-channel.js";
import type { DocumentInput, DocumentSettings } from "./docs-input.js";
import { type KnownEvent, type SourceEvents, sourceEvents } from "./event-catalog.js";
import { eventNameText } from "./event-name-text.js";
import { topicMatches } from "../../broker/topic-match.js";
import { type PlacedSchema, placedSchemas, requestBodySchemas, type SourceBodySchemas, schemaOfEvent } from "./request-body-schemas.js";

const BINDING = "0.3.0";

/**
 * The AsyncAPI 3.0 document of the exchange, generated from the routing table: one channel per
 * `{sourceId}.{eventName}` the table names, one per source for any name its sender sends
 * (`{sourceId}.{eventName}` with a parameter), one per polling source's event, one per route's
 * dead-letter queue. Where a source
 * declares a request schema, it is the CloudEvent's `data` schema. Served by the admin API at
 * `/asyncapi.json` and printed by `webhook-router docs asyncapi`.
 */
export function asyncApiDocument(input: DocumentInput) {
  const { table, settings } = input;
  const channels: Record<string, object> = {};
  const operations: Record<string, object> = {};
  const add = (id: string, channel: object, summary: string) => {
    channels[id] = channel;
    operations[`send.${id}`] = {
      action: "send",
      summary,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${Object.keys((channel as { messages: object }).messages)[0]}` }],
      bindings: { amqp: { deliveryMode: 2, timestamp: true, bindingVersion: BINDING } },
    };
  };
  const sources = sourceEvents(table);
  const bodies = requestBodySchemas(table, asyncApiPlacement);
  for (const events of sources) {
    const { id } = events.source;
    const schemas = bodies.get(id);
    for (const known of events.known) {
      add(
        known.routingKey,
        knownChannel(events, known, schemaOfEvent(schemas, known.eventName), input),
        `The router publishes ${known.routingKey} events`,
      );
    }
    add(id, anyEventChannel(events, schemas, input), `The router publishes every event of source ${id}`);
  }
  const polls = [...table.polls.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const poll of polls) {
    const key = `${poll.id}.${poll.event.name}`;
    add(key, pollChannel(poll, key, input), `The router publishes ${key} events, one per item polling source ${poll.id} reads`);
  }
  for (const route of table.routes.values()) {
    add(deadLetterChannelId(route.id), deadLetterChannel(route, settings.queuePrefix), `Route ${route.id} dead-letters what it gives up on`);
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: "webhook-router exchange",
      version: "1",
      description: describeExchange(settings),
      license: { name: "MIT" },
      tags: [...sources.map(({ source }) => source), ...polls].map((source) => ({
        name: source.id,
        ...(source.description ? { description: source.description } : {}),
      })),
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      rabbitmq: {
        host: "{host}",
        protocol: "amqp",
        protocolVersion: "0.9.1",
        description: "The RabbitMQ the router publishes to (AMQP_URL).",
        variables: { host: { default: "127.0.0.1:5672", description: "host:port of AMQP_URL" } },
      },
    },
    channels,
    operations,
    components: { schemas: asyncApiSchemas(placedSchemas(bodies)) },
  };
}

function describeExchange(settings: DocumentSettings): string {
  return (
    `Every event the router accepts is published to the durable topic exchange \`${settings.exchange}\` (AMQP_EXCHANGE) with routing key ` +
    "`{sourceId}.{eventName}`, once RabbitMQ confirms it (or, in an outage, when the local spool relays it). " +
    `Messages are CloudEvents 1.0 in structured mode; AMQP properties: ${amqpPropertiesText}; no application headers. ` +
    "Bind a queue of your own with a topic pattern (`tracktile.#`, `*.order.*`). The router's own routes consume through their queues " +
    `\`${settings.queuePrefix}{routeId}\`; each route's dead-letter queue is a channel here too.`
  );
}

function exchangeBinding(settings: DocumentSettings) {
  return {
    amqp: { is: "routingKey", exchange: { name: settings.exchange, type: "topic", durable: true, autoDelete: false }, bindingVersion: BINDING },
  };
}

function knownChannel(events: SourceEvents, known: KnownEvent, data: PlacedSchema | undefined, input: DocumentInput) {
  const { id } = events.source;
  const validated = data === undefined ? "" : ` Its \`data\` matches the request schema \`${data.key}\`: the ingress refuses any other body (422).`;
  return {
    address: known.routingKey,
    title: known.routingKey,
    description: `Event \`${known.eventName}\` of source \`${id}\`.${validated} ${consumedBy(known.routes, input.settings)}`,
    tags: [{ name: id }],
    messages: {
      [messageId(known.routingKey)]: {
        name: known.routingKey,
        title: `${known.routingKey} (CloudEvent)`,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        payload: channelPayload(id, { const: known.routingKey }, data),
        bindings: { amqp: { messageType: known.routingKey, bindingVersion: BINDING } },
        ...(known.examples.length === 0 ? {} : { examples: known.examples.map(({ name, event }) => ({ name, payload: event })) }),
      },
    },
    bindings: exchangeBinding(input.settings),
  };
}

function anyEventChannel(events: SourceEvents, schemas: SourceBodySchemas | undefined, input: DocumentInput) {
  const { source } = events;
  // One schema for every event only when no event has its own: those are on their own channels.
  const data = schemas?.events.size === 0 ? schemas.default : undefined;
  const named = events.known.map((known) => known.eventName);
  return {
    address: `${source.id}.{eventName}`,
    title: `${source.id}.{eventName}`,
    description:
      `Any event of source \`${source.id}\`: the name comes from the sender, so every name it sends is published` +
      `${named.length === 0 ? "" : ` (the routing table names ${named.map((name) => `\`${name}\``).join(", ")}, each also a channel of its own)`}. ` +
      schemasText(schemas) +
      consumedBy(events.routes, input.settings),
    tags: [{ name: source.id }],
    parameters: {
      eventName: {
        description: `${eventNameText(source)} Dot words of letters, digits, \`-\` and \`_\`.`,
        ...(named.length === 0 ? {} : { examples: named }),
      },
    },
    messages: {
      [messageId(source.id)]: {
        name: `${source.id}.{eventName}`,
        title: `An event of ${source.id} (CloudEvent)`,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        payload: channelPayload(source.id, { pattern: `^${source.id}\\.` }, data),
      },
    },
    bindings: exchangeBinding(input.settings),
  };
}

/** Which request schemas apply to a source's events, for the any-event channel. */
function schemasText(schemas: SourceBodySchemas | undefined): string {
  if (schemas === undefined) return "";
  const own = [...schemas.events.keys()].map((name) => `\`${name}\``);
  const others = schemas.default === undefined ? "is not validated" : `matches the request schema \`${schemas.default.key}\``;
  if (own.length === 0) return `Its \`data\` ${others}: the ingress refuses any other body (422). `;
  return `Events ${own.join(", ")} have request schemas of their own (see their channels); any other event's \`data\` ${others}. `;
}

/** A message key: letters, digits, `.`, `-`, `_` (the components' key rule). */
/** A polling source's event: one message per item it reads, named by `event.name`. */
function pollChannel(poll: PollSource, key: string, input: DocumentInput) {
  const routes = [...input.table.routes.values()].filter((route) => route.events.some((pattern) => topicMatches(pattern, key)));
  const request = new URL(poll.request.url.replace(/\{[^}]*\}/g, "x"));
  const named =
    poll.event.nameFrom === undefined ? "" : ` Items for which \`event.nameFrom\` gives another name are published as \`${poll.id}.{thatName}\`.`;
  return {
    address: key,
    title: key,
    description:
      `Each item polling source \`${poll.id}\` reads (\`GET …${request.pathname}\`) as it last changed: \`subject\` is the item's id, ` +
      `\`time\` its modified time, \`data\` the item; the id is the same for the same change however often it is read.${named} ` +
      consumedBy(routes, input.settings),
    tags: [{ name: poll.id }],
    messages: {
      [messageId(key)]: {
        name: key,
        title: `${key} (CloudEvent)`,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        payload: channelPayload(poll.id, { const: key }, undefined, "/polls"),
        bindings: { amqp: { messageType: key, bindingVersion: BINDING } },
      },
    },
    bindings: exchangeBinding(input.settings),
  };
}

function messageId(name: string): string {
  return `${name}.cloudEvent`;
}

function consumedBy(routes: readonly Route[], settings: DocumentSettings): string {
  if (routes.length === 0) return "No route of this router consumes it: bind a queue of your own.";
  const list = routes.map((route) => `\`${route.id}\` (queue \`${settings.queuePrefix}${route.id}\`)`).join(", ");
  return `Consumed by route${routes.length === 1 ? "" : "s"} ${list}.`;
}
