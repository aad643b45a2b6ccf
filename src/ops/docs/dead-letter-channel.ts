import type { Route } from "../../config/load-routes.js";
import { routeQueues } from "../../broker/route-topology.js";
import { HEADERS } from "../../contracts/message-headers.js";
import type { DeadReason } from "../../contracts/outcome.js";
import { amqpPropertiesText } from "./cloud-event-schema.js";

/** `x-error-kind`'s words; a Record so that a new reason in contracts/outcome.ts must be described here. */
const DEAD_REASONS: Record<DeadReason, string> = {
  exhausted: "every attempt of the route's retry policy failed",
  permanent:
    "the destination refused the event in a way retrying cannot change (a 4xx other than 408/425/429), or the mapped payload has the wrong shape",
  credentials: "the destination refused the credentials (401/403): fix them, then replay",
  mapping: "a filter, `when` or mapping expression failed, or a URL or routing-key placeholder had no usable value: nothing was sent",
  poison: "the message body could not be read as a CloudEvent",
};

const text = (description: string) => ({ type: "string", description });
const count = (description: string) => ({ type: "integer", minimum: 1, description });

/** The application headers of a dead letter (contracts/message-headers.ts), as the worker writes them. */
export const deadLetterHeadersSchema = {
  type: "object",
  description: "AMQP application headers. The body and the AMQP properties are the original event's.",
  properties: {
    [HEADERS.route]: text("the route whose delivery failed"),
    [HEADERS.error]: text("the last error, clipped"),
    [HEADERS.errorKind]: { type: "string", enum: Object.keys(DEAD_REASONS), description: describeReasons() },
    [HEADERS.attempts]: count("attempts made"),
    [HEADERS.failedAt]: { type: "string", format: "date-time", description: "when the event was dead-lettered" },
    [HEADERS.targetStatus]: { type: "integer", description: "the destination's (or enrichment call's) HTTP status, when it answered" },
    [HEADERS.originalRoutingKey]: text("the routing key the event was published with: `{sourceId}.{eventName}`"),
    [HEADERS.attempt]: count("on a letter that went through retries: the attempt number it last carried"),
    [HEADERS.lastError]: text("on a letter that went through retries: the error of the attempt before the last"),
    [HEADERS.lastStatus]: { type: "integer", description: "on a letter that went through retries: that attempt's target status" },
    [HEADERS.replays]: count("on a letter replayed before (`dlq replay`) that failed again: how many times it was replayed"),
    [HEADERS.replayedAt]: { type: "string", format: "date-time", description: "when it was last replayed" },
    [HEADERS.death]: {
      type: "array",
      items: { type: "object" },
      description:
        "set by RabbitMQ itself when it dead-lettered the message (a message redelivered more than the delivery limit, e.g. one that crashes every worker); " +
        "such a letter has no x-error-kind",
    },
  },
};

function describeReasons(): string {
  return `why it was dead-lettered: ${Object.entries(DEAD_REASONS)
    .map(([word, meaning]) => `\`${word}\`: ${meaning}`)
    .join("; ")}`;
}

/** The channel id of a route's dead-letter queue (source ids are lower case, so no event channel can take it). */
export const deadLetterChannelId = (routeId: string) => `deadLetters.${routeId}`;

/** One route's dead-letter queue as an AsyncAPI channel: consumers (and `webhook-router dlq`) read it. */
export function deadLetterChannel(route: Route, queuePrefix: string) {
  const queue = routeQueues(queuePrefix, route.id).dead;
  return {
    address: queue,
    title: `Dead letters of route ${route.id}`,
    description:
      `The quorum queue \`${queue}\` (on the default exchange): events route \`${route.id}\` gave up on, after its last attempt or at once on a permanent error. ` +
      `Each is the original message (same body; AMQP properties ${amqpPropertiesText}) with the headers below. ` +
      "`webhook-router dlq list|replay|purge` and the admin API's `/dead-letters` walk it; a consumer of your own may read it too.",
    messages: {
      deadLetter: {
        name: "deadLetter",
        title: `A dead letter of route ${route.id}`,
        contentType: "application/cloudevents+json",
        headers: deadLetterHeadersSchema,
        payload: { $ref: "#/components/schemas/CloudEvent" },
      },
    },
    bindings: {
      amqp: { is: "queue", queue: { name: queue, durable: true, exclusive: false, autoDelete: false }, bindingVersion: "0.3.0" },
    },
  };
}
