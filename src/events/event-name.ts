import { EventError } from "./event-error.js";

const WORD = /^[A-Za-z0-9_-]+$/;
/** RabbitMQ routing keys are short strings: 255 bytes at most, source id and dot included. */
const MAX_ROUTING_KEY = 255;

/**
 * Turns a sender's event name into dot words for the routing key:
 * `entity:employees:created` → `employees.created` (with prefix `entity:` stripped),
 * `orders/create` → `orders.create`, `order.status.changed` unchanged.
 */
export function normalizeEventName(sourceId: string, raw: string, stripPrefixes: readonly string[]): string {
  let name = raw.trim();
  for (const prefix of stripPrefixes) {
    if (name.startsWith(prefix)) {
      name = name.slice(prefix.length);
      break;
    }
  }
  const words = name.split(/[.:/]+/).filter((word) => word.length > 0);
  if (words.length === 0 || !words.every((word) => WORD.test(word))) {
    throw new EventError(
      "invalid_event",
      `event name ${JSON.stringify(raw.slice(0, 100))} must be words of letters, digits, - or _ separated by . : or /`,
    );
  }
  const eventName = words.join(".");
  if (Buffer.byteLength(sourceId) + 1 + Buffer.byteLength(eventName) > MAX_ROUTING_KEY) {
    throw new EventError("invalid_event", `event name is too long for a routing key (${MAX_ROUTING_KEY} bytes at most)`);
  }
  return eventName;
}
