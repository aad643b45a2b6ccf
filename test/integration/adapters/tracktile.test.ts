import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { FakeTracktileCustomers } from "../../helpers/fake-tracktile-customers.js";
import { deliveryOf, failureOf, sampleEvent, silentLogger } from "../../helpers/fakes/index.js";

const TOKEN = "api-7f3a91c2e4";

let api: FakeTracktileCustomers;
beforeEach(async () => {
  api = await FakeTracktileCustomers.start(TOKEN);
  api.customers.set("cus_58", { id: "cus_58", name: "Acme" });
});
afterEach(() => api.close());

function tracktile(overrides: Record<string, unknown> = {}) {
  const config = { kind: "tracktile", baseUrl: api.url, url: "/customers/{payload.tracktileId}", method: "PUT", token: TOKEN, ...overrides };
  return createAdapter("tracktile-api", destinationSchema.parse(config), { logger: silentLogger(), amqpUrl: "", tokens: createMemoryTokenStore() });
}

const update = { tracktileId: "cus_58", name: "Acme Industries", email: "ap@acme.example" };

describe("tracktile adapter", () => {
  it("PUT /customers/{id} under baseUrl with the Bearer api- token and the payload as the body", async () => {
    const receipt = await tracktile().deliver(deliveryOf(update));
    const [call] = api.requests;
    expect(call).toMatchObject({ method: "PUT", path: "/customers/cus_58" });
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.json).toEqual(update);
    expect(receipt).toMatchObject({ status: 200, targetId: "cus_58" });
  });

  it("takes an http destination's url and auth as they are: only `kind` changes", async () => {
    const adapter = tracktile({ url: `${api.url}/customers/{event.data.customer.id}`, token: undefined, auth: { type: "bearer", token: TOKEN } });
    await adapter.deliver(deliveryOf(update, { event: sampleEvent({ data: { customer: { id: "cus_58" } } }) }));
    expect(api.requests[0]!.path).toBe("/customers/cus_58");
  });

  it("a 4xx is permanent and carries Tracktile's message", async () => {
    const error = await failureOf(tracktile().deliver(deliveryOf({ ...update, tracktileId: "cus_404" })));
    expect(error).toMatchObject({ kind: "permanent", status: 404 });
    expect(error.message).toContain("Customer cus_404 not found");
  });

  it("a 5xx is retried", async () => {
    api.failNext(1, 502, { status: 502, message: "Bad gateway" });
    await expect(failureOf(tracktile().deliver(deliveryOf(update)))).resolves.toMatchObject({ kind: "transient", status: 502 });
  });

  it("a 401 is credentials, with the message and never the token", async () => {
    const error = await failureOf(tracktile({ token: "api-revoked-0000" }).deliver(deliveryOf(update)));
    expect(error).toMatchObject({ kind: "credentials", status: 401 });
    expect(error.message).toContain("Token expired or revoked");
    expect(error.message).not.toContain("api-revoked-0000");
  });

  it("a token given twice, or not at all, is refused at start", () => {
    expect(destinationSchema.safeParse({ kind: "tracktile", url: "/customers", token: TOKEN, auth: { type: "bearer", token: TOKEN } }).success).toBe(
      false,
    );
    expect(destinationSchema.safeParse({ kind: "tracktile", url: "/customers" }).success).toBe(false);
    expect(destinationSchema.safeParse({ kind: "tracktile", url: "/customers/{payload.id}", token: TOKEN }).success).toBe(true);
  });
});
