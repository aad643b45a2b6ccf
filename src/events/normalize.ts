import type { IncomingHttpHeaders } from "node:http";
import { isUtf8 } from "node:buffer";
import { EventError } from "./event-error.js";
import { serializeCloudEvent } from "./cloud-event.js";
import type { CloudEventAttributes } from "../contracts/cloud-event.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { eventId } from "./event-id.js";
import { readSenderTime, type TimeFormat } from "./event-time.js";
import { normalizeEventName } from "./event-name.js";
import { compileSelectors } from "./selector.js";

/** A verified request, ready to become an event. */
export interface ReceivedRequest {
  readonly rawBody: Buffer;
  readonly headers: IncomingHttpHeaders;
  /** `{eventName}` from `/webhooks/{sourceId}/{eventName}`, when the sender's URL names it. */
  readonly urlEventName: string | undefined;
  readonly receivedAt: Date;
}

/** What a source says about its events: where each attribute comes from (see the routing table's `event`). */
export interface EventSettings {
  readonly id: string;
  readonly event: {
    readonly type: readonly string[];
    readonly id: readonly string[];
    readonly subject: readonly string[];
    readonly time: readonly string[];
    readonly timeFormat: TimeFormat;
    readonly stripPrefix: readonly string[];
  };
}

export type Normalizer = (request: ReceivedRequest) => NormalizedEvent;

/**
 * Builds, once per source, the function that turns its verified requests into CloudEvents.
 * `path`: where the source is posted to, the CloudEvents `source` (`/api` for API endpoints).
 */
export function createNormalizer(source: EventSettings, path = "/webhooks"): Normalizer {
  const selectType = compileSelectors(source.event.type);
  const selectId = compileSelectors(source.event.id);
  const selectSubject = compileSelectors(source.event.subject);
  const selectTime = compileSelectors(source.event.time);
  const hasTime = source.event.time.length > 0;
  const { timeFormat } = source.event;
  const ceSource = `${path}/${source.id}`;
  const whereNamed = source.event.type.join(", ");

  return (request) => {
    const text = bodyText(request.rawBody);
    const input = { body: parseJson(text), text, headers: request.headers, urlEventName: request.urlEventName };
    const rawName = selectType(input);
    if (rawName === undefined) {
      throw new EventError(
        "invalid_event",
        `cannot tell which event this is: expected it in ${whereNamed} (or post to /webhooks/${source.id}/{eventName})`,
      );
    }
    const eventName = normalizeEventName(source.id, rawName, source.event.stripPrefix);
    const routingKey = `${source.id}.${eventName}`;
    const id = eventId(selectId(input), source.id, eventName, request.rawBody);
    const subject = selectSubject(input);
    const senderTime = hasTime ? selectTime(input) : undefined;
    const reading = senderTime === undefined ? undefined : readSenderTime(senderTime, timeFormat);
    const time = reading?.time ?? request.receivedAt.toISOString();
    // Said in the request's log line: the sender named a time we could not use.
    const timeFallback = reading?.problem ?? (hasTime && senderTime === undefined ? "missing" : undefined);
    const attributes: CloudEventAttributes = {
      specversion: "1.0",
      id,
      source: ceSource,
      type: routingKey,
      time,
      datacontenttype: "application/json",
      ...(subject === undefined ? {} : { subject }),
    };
    const body = serializeCloudEvent(attributes, request.rawBody);
    return timeFallback === undefined
      ? { id, type: routingKey, routingKey, subject, time, body }
      : { id, type: routingKey, routingKey, subject, time, timeFallback, body };
  };
}

function bodyText(raw: Buffer): string {
  if (raw.length === 0) throw new EventError("invalid_body", "empty body: expected a JSON document");
  // Checked first because the raw bytes are forwarded as is: a lossy decode would let bytes through
  // that consumers cannot read.
  if (!isUtf8(raw)) throw new EventError("invalid_body", "body is not valid UTF-8");
  return raw.toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EventError("invalid_body", `body is not valid JSON (${(error as Error).message.slice(0, 120)})`);
  }
}
