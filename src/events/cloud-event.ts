import type { CloudEventAttributes } from "../contracts/cloud-event.js";

/**
 * Serializes the event with the sender's JSON spliced in byte for byte as `data` (less the
 * whitespace around it): no
 * re-serialization, so large integers, key order and exotic number forms survive untouched.
 * `rawJson` must already be known to parse as JSON and to be valid UTF-8.
 */
export function serializeCloudEvent(attributes: CloudEventAttributes, rawJson: Buffer): Buffer {
  const head = JSON.stringify(attributes);
  // `head` ends with "}": reopen it, add "data", close it again.
  return Buffer.concat([Buffer.from(`${head.slice(0, -1)},"data":`), trimJsonWhitespace(rawJson), CLOSE]);
}

/** Drops whitespace around the document (a trailing newline, say): not part of the JSON value. */
function trimJsonWhitespace(raw: Buffer): Buffer {
  let start = 0;
  let end = raw.length;
  while (start < end && isJsonWhitespace(raw[start]!)) start += 1;
  while (end > start && isJsonWhitespace(raw[end - 1]!)) end -= 1;
  return start === 0 && end === raw.length ? raw : raw.subarray(start, end);
}

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

const CLOSE = Buffer.from("}");
