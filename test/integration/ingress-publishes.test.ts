import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishedBy, tapExchange, type QueueTap } from "../helpers/rabbit.js";
import { post, postSigned, signFor, type PostResult } from "../helpers/post.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

const fixture = (path: string) => readFileSync(`test/fixtures/${path}`, "utf8");

describe("a signed webhook from each example source", () => {
  let tap: QueueTap;
  let router: TestRouter;

  beforeAll(async () => {
    tap = await tapExchange();
    router = await startTestRouter({ AMQP_EXCHANGE: tap.exchange });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
  });

  async function expectOneEvent(posted: string, send: () => Promise<PostResult>) {
    const { answer, arrived } = await publishedBy(tap, send);
    expect(answer.status).toBe(202);
    expect(arrived).toHaveLength(1);
    const message = arrived[0]!;
    const event = JSON.parse(message.content.toString("utf8"));
    expect(event.data).toEqual(JSON.parse(posted));
    expect(event.id).toBe(answer.body.id);
    expect(message.properties).toMatchObject({
      messageId: answer.body.id,
      type: event.type,
      contentType: "application/cloudevents+json",
      deliveryMode: 2,
    });
    expect(event).toMatchObject({ specversion: "1.0", datacontenttype: "application/json" });
    return { answer, event, message };
  }

  it("Tracktile: 202 with the sender's id, routing key from `kind`, subject from orderId", async () => {
    const body = fixture("tracktile/order.status.changed.json");
    const { answer, event, message } = await expectOneEvent(body, () => postSigned(router.url, "tracktile", body));
    expect(answer.body).toEqual({ id: "evt_ord_7f3a91" });
    expect(message.fields.routingKey).toBe("tracktile.order.status.changed");
    expect(event).toMatchObject({
      type: "tracktile.order.status.changed",
      source: "/webhooks/tracktile",
      subject: "ord_8841",
      time: "2026-11-20T14:03:11.000Z",
    });
  });

  it("TrackTik: the event name comes from the URL, the id from a content hash", async () => {
    const body = fixture("tracktik/employees.created.json");
    const { answer, event, message } = await expectOneEvent(body, () => postSigned(router.url, "tracktik", body, "employees.created"));
    expect(answer.body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(message.fields.routingKey).toBe("tracktik.employees.created");
    expect(event.subject).toBe("1287");
  });

  it("TrackTik: `entity:employees:created` in the URL gives the same routing key and the same id", async () => {
    const body = fixture("tracktik/employees.created.json");
    const dotted = await expectOneEvent(body, () => postSigned(router.url, "tracktik", body, "employees.created"));
    const native = await expectOneEvent(body, () => postSigned(router.url, "tracktik", body, "entity:employees:created"));
    expect(native.message.fields.routingKey).toBe("tracktik.employees.created");
    // Same content, same id: a sender's retry is recognisable downstream.
    expect(native.answer.body.id).toBe(dotted.answer.body.id);
  });

  it("TrackVia: the record id becomes the CloudEvents subject", async () => {
    const body = fixture("trackvia/record.updated.json");
    const { event, message } = await expectOneEvent(body, () => postSigned(router.url, "trackvia", body, "record.updated"));
    expect(message.fields.routingKey).toBe("trackvia.record.updated");
    expect(event.subject).toBe("40412");
  });

  it("keeps the sender's bytes in `data`: big integers and key order survive", async () => {
    const body = '{"kind":"order.created","id":"evt_big","amount":12345678901234567890,"z":1,"a":2}';
    const { message } = await expectOneEvent(body, () => postSigned(router.url, "tracktile", body));
    const raw = message.content.toString("utf8");
    expect(raw.endsWith(`"data":${body}}`)).toBe(true);
  });

  it("logs one line per request with source, event id, outcome and latency, and no secret", async () => {
    const body = fixture("tracktile/shipment.status.changed.json");
    await postSigned(router.url, "tracktile", body);
    const line = router.logs.find((entry) => entry.id === "evt_abc123");
    expect(line).toMatchObject({ source: "tracktile", status: 202, type: "tracktile.shipment.status.changed" });
    expect(typeof line!.ms).toBe("number");
    expect(JSON.stringify(router.logs)).not.toContain("test-tracktile-secret");
  });

  it("a webhook URL in an unusual spelling (capitals, percent-escapes, trailing slash) is taken the same way", async () => {
    const body = fixture("tracktile/order.status.changed.json");
    for (const path of ["/Webhooks/tracktile", "/webhooks/track%74ile", "/webhooks/tracktile/", "/webhooks/tracktile?via=proxy"]) {
      const { answer, arrived } = await publishedBy(tap, () =>
        post(`${router.url}${path}`, body, { "content-type": "application/json", ...signFor("tracktile", body) }),
      );
      expect(answer.status, path).toBe(202);
      expect(arrived[0]?.fields.routingKey, path).toBe("tracktile.order.status.changed");
    }
  });
});
