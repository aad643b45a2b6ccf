import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRoutes } from "../../src/config/load-routes.js";
import { createSigner } from "../../src/verify/index.js";
import { post } from "../helpers/post.js";
import { publishedBy, tapExchange, type QueueTap } from "../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

const ROUTES = "test/fixtures/routes/request-schema";
const signer = createSigner(loadRoutes(ROUTES, {}).sources.get("orders")!.verify);
const postOrder = (url: string, body: string) =>
  post(`${url}/webhooks/orders`, body, { "content-type": "application/json", ...signer.sign(Buffer.from(body), Date.now()) });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The router with the request-schema fixture: `orders` validates order.created against
// schemas/order.created.json beside the routes. Real HTTP, real RabbitMQ, the delivery log in SQLite.
describe("request schemas at the ingress", () => {
  let tap: QueueTap;
  let router: TestRouter;
  const admin = (path: string) => fetch(`http://127.0.0.1:${router.adminPort}${path}`).then((response) => response.json());

  beforeAll(async () => {
    tap = await tapExchange();
    router = await startTestRouter({ ROUTES_DIR: ROUTES, AMQP_EXCHANGE: tap.exchange, ADMIN_PORT: "0" });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
  });

  it("accepts a signed body that matches its schema: 202, and the event is on the exchange", async () => {
    const body = JSON.stringify({ id: "schema-ok-1", kind: "order.created", orderId: "ord_1", total: 12.5, email: "a@example.com" });
    const { answer, arrived } = await publishedBy(tap, () => postOrder(router.url, body));
    expect(answer).toMatchObject({ status: 202, body: { id: "schema-ok-1" } });
    expect(arrived.map((message) => message.fields.routingKey)).toEqual(["orders.order.created"]);
  });

  it("refuses a signed body that does not: 422 with a pointer and a message per violation, nothing published, logged", async () => {
    const body = JSON.stringify({ id: "schema-bad-1", kind: "order.created", orderId: "1", total: "12", email: "not an address" });
    const { answer, arrived } = await publishedBy(tap, () => postOrder(router.url, body));
    expect(answer.status).toBe(422);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("retry-after")).toBeNull();
    expect(answer.body).toEqual({
      error: "schema_violation",
      message: "the body does not match the schema for order.created (3 violations)",
      violations: [
        { pointer: "/orderId", message: 'must match pattern "^ord_"' },
        { pointer: "/total", message: "must be number" },
        { pointer: "/email", message: 'must match format "email"' },
      ],
    });
    expect(arrived).toEqual([]);
    const line = router.logs.findLast((entry) => entry.status === 422);
    expect(line).toMatchObject({ source: "orders", id: "schema-bad-1", type: "orders.order.created", reason: "schema_violation", violations: 3 });
    // The answer's values are never in the log either: only the count.
    expect(JSON.stringify(line)).not.toContain("not an address");
  });

  it("counts the refusals in webhook_router_requests_total and keeps them in the delivery log", async () => {
    const text = await (await fetch(`${router.url}/metrics`)).text();
    expect(text).toMatch(/webhook_router_requests_total\{[^}]*source="orders"[^}]*status="422"[^}]*reason="schema_violation"[^}]*\} 1/);
    // The log is written in batches: poll until the rejection is there.
    const status = await eventually(
      () => admin("/status") as Promise<{ sources: Array<{ id: string; received: number; rejected: number }> }>,
      (value) => value.sources.some((source) => source.id === "orders" && source.rejected === 1),
      "the rejection in /status",
    );
    expect(status.sources.find((source) => source.id === "orders")).toMatchObject({ received: 1, rejected: 1 });
    const journey = await admin("/events/schema-bad-1");
    expect(journey).toMatchObject({ id: "schema-bad-1", source: "orders", type: "orders.order.created", via: "rejected", routes: [] });
  });
});
