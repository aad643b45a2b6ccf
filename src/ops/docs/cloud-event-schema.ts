import { CLOUDEVENTS_CONTENT_TYPE } from "../../contracts/cloud-event.js";

/**
 * The envelope every message on the exchange has: CloudEvents 1.0 in structured mode, as
 * events/normalize.ts builds it. Each channel narrows `type`, `source` and `data`.
 */
export const cloudEventSchema = {
  type: "object",
  description:
    "A CloudEvents 1.0 event in structured mode: the whole event is the message body. `data` is the sender's JSON body unchanged, byte for byte " +
    "(spliced in, not re-serialized: big integers, number formatting and key order survive).",
  required: ["specversion", "id", "source", "type", "time", "datacontenttype", "data"],
  properties: {
    specversion: { type: "string", const: "1.0" },
    id: {
      type: "string",
      minLength: 1,
      description:
        "The sender's own id where the source says where to find it (at most 200 bytes); otherwise the hex SHA-256 of " +
        "`{sourceId}\\n{eventName}\\n` + the raw body, so a sender's retry of the same call-out gets the same id. Equals the AMQP message-id.",
    },
    source: { type: "string", description: "`/webhooks/{sourceId}`", pattern: "^/webhooks/[a-z0-9][a-z0-9_-]*$" },
    type: { type: "string", description: "`{sourceId}.{eventName}`: equals the routing key and the AMQP `type` property" },
    time: {
      type: "string",
      format: "date-time",
      description:
        "The sender's time where the source says where to find it and it is valid, in UTC with milliseconds; otherwise the time the router received the call.",
    },
    datacontenttype: { type: "string", const: "application/json" },
    subject: { type: "string", description: "The entity the event is about, where the source names a field for it and the payload has it." },
    data: { description: "The sender's JSON body, unchanged." },
  },
} as const;

/** What the publisher sets on every message (broker/event-publisher.ts): AMQP properties, not headers. */
export const amqpProperties = {
  "content-type": CLOUDEVENTS_CONTENT_TYPE,
  "delivery-mode": "2 (persistent)",
  "message-id": "the event id (= the CloudEvent's `id`)",
  type: "the CloudEvents type (= the routing key)",
  timestamp: "when the router accepted the call, in unix seconds (also for an event relayed from the local spool after an outage)",
  "app-id": "webhook-router",
} as const;

/** `amqpProperties` as a sentence for descriptions. */
export const amqpPropertiesText = Object.entries(amqpProperties)
  .map(([name, value]) => `\`${name}\`: ${value}`)
  .join("; ");
