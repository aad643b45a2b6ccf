import type { CloudEvent } from "../contracts/cloud-event.js";

/** `text` is the body the event was read from (a route without a mapping sends part of it as it is). */
export type ParsedMessage = { readonly ok: true; readonly event: CloudEvent; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * Reads a message body as a CloudEvent. Anything else is a poison message: it goes to the
 * dead-letter queue with this error, and the queue moves on.
 */
export function parseEventMessage(content: Buffer): ParsedMessage {
  const text = content.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `message body is not JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "message body is not a CloudEvent object" };
  }
  const event = value as Record<string, unknown>;
  for (const field of ["id", "type", "source"] as const) {
    if (typeof event[field] !== "string" || event[field] === "") {
      return { ok: false, error: `message is not a CloudEvent: missing "${field}"` };
    }
  }
  return { ok: true, event: event as unknown as CloudEvent, text };
}
