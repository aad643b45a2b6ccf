import { describe, expect, it } from "vitest";
import type { Source } from "../../../src/config/load-routes.js";
import { sourceSchema } from "../../../src/config/source-schema.js";
import { normalizeEventName } from "../../../src/events/event-name.js";
import { createNormalizer } from "../../../src/events/normalize.js";

function sourceWith(id: string, event: Record<string, unknown>): Source {
  const parsed = sourceSchema.parse({ verify: { preset: "header-token", secret: "x" }, event });
  return { ...parsed, id, file: "test" };
}

const receivedAt = new Date("2026-11-22T12:00:00.000Z");
const request = (body: string, urlEventName?: string, headers: Record<string, string> = {}) => ({
  rawBody: Buffer.from(body),
  headers,
  urlEventName,
  receivedAt,
});

describe("event names become routing-key words", () => {
  it.each([
    ["order.status.changed", [], "order.status.changed"],
    ["entity:employees:created", ["entity:"], "employees.created"],
    ["entity:employee:created", ["entity:"], "employee.created"],
    ["orders/create", [], "orders.create"],
    ["push", [], "push"],
  ])("%s → %s", (raw, strip, expected) => {
    expect(normalizeEventName("src", raw, strip)).toBe(expected);
  });

  it.each(["", "...", "has space", "wild*card", "hash#tag"])("rejects %j", (raw) => {
    expect(() => normalizeEventName("src", raw, [])).toThrow(/event name/);
  });

  it("rejects names that would overflow a routing key", () => {
    expect(() => normalizeEventName("src", "a".repeat(260), [])).toThrow(/too long/);
  });
});

describe("normalizing a verified request into a CloudEvent", () => {
  it("takes name, id, time and subject from where the source says, first match wins", () => {
    const normalize = createNormalizer(
      sourceWith("tt", { type: ["body:kind", "url"], id: "body:id", time: "body:time", subject: ["body:orderId", "body:shipmentId"] }),
    );
    const event = normalize(request('{"id":"evt_1","kind":"shipment.created","time":"2024-01-15T10:30:00Z","shipmentId":"shp_9"}'));
    expect(event).toMatchObject({ id: "evt_1", routingKey: "tt.shipment.created", subject: "shp_9", time: "2024-01-15T10:30:00.000Z" });
  });

  it("falls back to the URL's event name and to the receive time", () => {
    const normalize = createNormalizer(sourceWith("tt", { type: ["body:kind", "url"] }));
    const event = normalize(request('{"x":1}', "thing.happened"));
    expect(event.routingKey).toBe("tt.thing.happened");
    expect(event.time).toBe(receivedAt.toISOString());
  });

  it("reads names and ids from headers, GitHub style", () => {
    const normalize = createNormalizer(sourceWith("gh", { type: "header:x-github-event", id: ["header:x-github-delivery", "hash"] }));
    const event = normalize(request("{}", undefined, { "x-github-event": "push", "x-github-delivery": "72d3162e-cc78" }));
    expect(event).toMatchObject({ id: "72d3162e-cc78", routingKey: "gh.push" });
  });

  it("hashes source, event name and bytes when the sender has no id, so a retry gets the same id", () => {
    const normalize = createNormalizer(sourceWith("tk", { type: "url" }));
    const first = normalize(request('{"id":5}', "employees.created"));
    const retry = normalize(request('{"id":5}', "employees.created"));
    const other = normalize(request('{"id":5}', "employees.updated"));
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect(retry.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it("numeric ids and subjects become strings", () => {
    const normalize = createNormalizer(sourceWith("tv", { type: "url", id: "body:n", subject: "body:recordId" }));
    expect(normalize(request('{"n":7,"recordId":40412}', "record.updated"))).toMatchObject({ id: "7", subject: "40412" });
  });

  it("serializes structured-mode CloudEvents with the sender's bytes as data", () => {
    const normalize = createNormalizer(sourceWith("tv", { type: "url" }));
    const raw = '{ "a" : 1.50, "b": [ ] }';
    const event = normalize(request(raw, "x"));
    const text = event.body.toString("utf8");
    expect(text.endsWith(`,"data":${raw}}`)).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ specversion: "1.0", type: "tv.x", source: "/webhooks/tv", data: { a: 1.5, b: [] } });
  });

  it.each([
    ["", /empty body/],
    ["{nope", /not valid JSON/],
  ])("rejects %j", (raw, message) => {
    const normalize = createNormalizer(sourceWith("tv", { type: "url" }));
    expect(() => normalize(request(raw, "x"))).toThrow(message);
  });

  it("rejects bytes that are not UTF-8 rather than forwarding what consumers cannot read", () => {
    const normalize = createNormalizer(sourceWith("tv", { type: "url" }));
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(() => normalize({ ...request("", "x"), rawBody: bytes })).toThrow(/UTF-8/);
  });
});
