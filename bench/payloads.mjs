// Realistic Tracktile call-outs of an exact size, signed as Tracktile signs them, and the
// CloudEvents the router would make of them (for pre-filling a worker's queue).
import { createHmac } from "node:crypto";

export const SOURCE_ID = "tracktile";
export const EVENT_KIND = "order.status.changed";
export const ROUTING_KEY = `${SOURCE_ID}.${EVENT_KIND}`;
export const SIGNATURE_HEADER = "x-tracktile-signature";

const DIGITS = 9;
const PRODUCTS = ["prd_widget", "prd_gadget", "prd_sprocket", "prd_flange"];

/**
 * A Tracktile `order.status.changed` body of exactly `size` bytes with a distinct `id`. Large
 * bodies grow by order lines (objects and numbers, as a real order would), not by one long
 * string, so JSON.parse does representative work; a `note` string pads to the exact size.
 */
export function orderBody(n, size, runId = "r") {
  const lines = [];
  // Fixed-width numbers: every body of a pool has the same size and layout (see signedPool).
  const digits = String(n).padStart(DIGITS, "0");
  const base = {
    id: `evt_${runId}_${digits}`,
    kind: EVENT_KIND,
    time: new Date().toISOString(),
    orderId: `ord_${digits}`,
    shortId: `PO-${digits}`,
    customerId: "cus_100",
    previousOrderStatus: "inProgress",
    currentOrderStatus: "completed",
    orderItems: lines,
    note: "",
  };
  const empty = Buffer.byteLength(JSON.stringify(base));
  if (empty > size) throw new Error(`a body cannot be smaller than ${empty} bytes`);
  // ~64 bytes per line; leave room for the note to pad the rest exactly.
  for (let i = 0; empty + (i + 1) * 70 + 16 < size; i += 1) {
    lines.push({ productId: PRODUCTS[i % PRODUCTS.length], quantity: (i % 9) + 1, price: 12.5 + (i % 7) });
  }
  const without = Buffer.byteLength(JSON.stringify(base));
  base.note = "x".repeat(size - without);
  const body = Buffer.from(JSON.stringify(base));
  if (body.length !== size) throw new Error(`body is ${body.length} bytes, wanted ${size}`);
  return body;
}

/** `X-Tracktile-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`. */
export function tracktileSignature(secret, body, unixSeconds) {
  const hmac = createHmac("sha256", secret);
  hmac.update(`${unixSeconds}.`);
  hmac.update(body);
  return `t=${unixSeconds},v1=${hmac.digest("hex")}`;
}

/**
 * `count` distinct bodies, each signed now: one pool must be used within the 300 s tolerance.
 * Each entry is `{ body, headers }`, ready for autocannon or node:http.
 */
export function signedPool({ count, size, secret, runId, first = 0 }) {
  const t = Math.floor(Date.now() / 1000);
  const pool = new Array(count);
  // One body serialized, the others made by writing their number into a copy: signing 50,000
  // bodies then takes a fraction of a second, so a pool can be renewed between chunks of a long run.
  const template = orderBody(0, size, runId);
  const zeros = "0".repeat(DIGITS);
  const offsets = [];
  for (let at = template.indexOf(zeros); at >= 0; at = template.indexOf(zeros, at + DIGITS)) offsets.push(at);
  for (let i = 0; i < count; i += 1) {
    const body = Buffer.from(template);
    const digits = String(first + i).padStart(DIGITS, "0");
    for (const at of offsets) body.write(digits, at, "latin1");
    pool[i] = {
      body,
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: tracktileSignature(secret, body, t),
      },
    };
  }
  return pool;
}

/** The CloudEvent the router publishes for a Tracktile body: envelope + the body spliced in. */
export function cloudEventOf(body, { id, orderId }) {
  const head = JSON.stringify({
    specversion: "1.0",
    id,
    source: `/webhooks/${SOURCE_ID}`,
    type: ROUTING_KEY,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    subject: orderId,
  });
  return Buffer.concat([Buffer.from(`${head.slice(0, -1)},"data":`), body, Buffer.from("}")]);
}
