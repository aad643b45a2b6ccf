#!/usr/bin/env node
// The reference: the least the router's ingress work can cost in Node. A bare node:http server
// that reads the raw body, checks a Tracktile signature (HMAC-SHA256 over "{t}.{body}", compared
// in constant time, timestamp within 300 s), parses the JSON for the event name and id (the router
// must: the routing key comes from the body), splices it into the same CloudEvent envelope, and
// publishes it persistent on ONE shared confirm channel with many confirms in flight, answering
// 202 {"id"} when its confirm arrives. No framework, no logging, no rate limit, no spool.
//
// Environment: PORT, HOST (127.0.0.1), AMQP_URL, AMQP_EXCHANGE, TRACKTILE_WEBHOOK_SECRET.
// GET /readyz answers 200 once the channel is open. Stops on SIGTERM.
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import amqplib from "amqplib";

const PORT = Number(process.env.PORT || 8090);
const HOST = process.env.HOST || "127.0.0.1";
const AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const EXCHANGE = process.env.AMQP_EXCHANGE || "events";
const KEY = createSecretKey(Buffer.from(process.env.TRACKTILE_WEBHOOK_SECRET || "", "utf8"));
const LIMIT = 1024 * 1024;
const TOLERANCE_S = 300;
const CLOSE = Buffer.from("}");

const connection = await amqplib.connect(AMQP_URL);
const channel = await connection.createConfirmChannel();
await channel.assertExchange(EXCHANGE, "topic", { durable: true });

function answer(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

function verified(header, body) {
  if (typeof header !== "string") return false;
  let t;
  let v1;
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) return false;
    const key = item.slice(0, eq).trim();
    if (key === "t") t = item.slice(eq + 1).trim();
    else if (key === "v1") v1 = item.slice(eq + 1).trim();
  }
  if (t === undefined || v1 === undefined || v1.length !== 64) return false;
  const expected = createHmac("sha256", KEY).update(`${t}.`).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(v1, "hex"))) return false;
  return Math.abs(Date.now() / 1000 - Number(t)) <= TOLERANCE_S;
}

function handle(request, response, body) {
  if (!verified(request.headers["x-tracktile-signature"], body)) return answer(response, 401, { error: "invalid_signature" });
  let data;
  try {
    data = JSON.parse(body.toString("utf8"));
  } catch {
    return answer(response, 400, { error: "invalid_body" });
  }
  if (typeof data?.kind !== "string" || typeof data.id !== "string") return answer(response, 400, { error: "invalid_event" });
  const type = `tracktile.${data.kind}`;
  const head = JSON.stringify({
    specversion: "1.0",
    id: data.id,
    source: "/webhooks/tracktile",
    type,
    time: typeof data.time === "string" ? data.time : new Date().toISOString(),
    datacontenttype: "application/json",
    ...(typeof data.orderId === "string" ? { subject: data.orderId } : {}),
  });
  const message = Buffer.concat([Buffer.from(`${head.slice(0, -1)},"data":`), body, CLOSE]);
  const properties = {
    persistent: true,
    messageId: data.id,
    type,
    contentType: "application/cloudevents+json",
    timestamp: Math.floor(Date.now() / 1000),
    appId: "reference",
  };
  channel.publish(EXCHANGE, type, message, properties, (error) => {
    if (error) answer(response, 503, { error: "unavailable" });
    else answer(response, 202, { id: data.id });
  });
}

const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/readyz") return answer(response, 200, { status: "ready" });
  if (request.method !== "POST") return answer(response, 405, { error: "method_not_allowed" });
  const chunks = [];
  let size = 0;
  request.on("data", (chunk) => {
    size += chunk.length;
    if (size > LIMIT) {
      answer(response, 413, { error: "payload_too_large" });
      request.destroy();
      return;
    }
    chunks.push(chunk);
  });
  request.on("end", () => {
    if (size <= LIMIT) handle(request, response, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  });
});
// Node's defaults (keep-alive 5 s) as the router has them: nothing tuned in the reference's favour.
server.listen(PORT, HOST);

process.once("SIGTERM", () => {
  server.close();
  server.closeIdleConnections();
  channel
    .waitForConfirms()
    .catch(() => {})
    .then(() => connection.close())
    .finally(() => process.exit(0));
});
