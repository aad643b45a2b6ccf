import { createHash } from "node:crypto";

/**
 * Visible ASCII, with inner spaces: what an HTTP header carries unchanged. The Idempotency-Key
 * draft (draft-ietf-httpapi-idempotency-key-header) makes the key a Structured Field String,
 * printable ASCII 0x20–0x7E; a leading or trailing space would be trimmed by the receiver, so
 * ` a` and `a` would share a key.
 */
const HEADER_SAFE = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;

/**
 * The idempotency header's value for an event id: the id itself when it is header-safe (the
 * contract so far), otherwise `sha256-` + the hex SHA-256 of its UTF-8 bytes — the same on every
 * retry, 71 characters. undici refuses `订单-1` or a control character in a header, and that
 * event could never be delivered.
 */
export function idempotencyKeyFor(eventId: string): string {
  if (HEADER_SAFE.test(eventId)) return eventId;
  return `sha256-${createHash("sha256").update(eventId, "utf8").digest("hex")}`;
}
