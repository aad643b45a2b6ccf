import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { deliveryOf, failureOf, FakeQuickBooks, qboFault, silentLogger } from "../../helpers/fakes/index.js";

let qbo: FakeQuickBooks;
let tokens: ReturnType<typeof createMemoryTokenStore>;
const STORE_KEY = "quickbooks:books:refresh";

beforeEach(async () => {
  qbo = await FakeQuickBooks.start();
  tokens = createMemoryTokenStore();
});
afterEach(() => qbo.close());

function qboAdapter(overrides: Record<string, unknown> = {}, logger = silentLogger()) {
  const config = {
    kind: "quickbooks",
    baseUrl: qbo.url,
    tokenUrl: qbo.tokenUrl,
    realmId: qbo.realmId,
    clientId: qbo.clientId,
    clientSecret: qbo.clientSecret,
    refreshToken: "qbo-refresh-initial",
    ...overrides,
  };
  return createAdapter("books", destinationSchema.parse(config), { logger, amqpUrl: "", tokens });
}

const invoice = {
  entity: "invoice",
  body: { CustomerRef: { value: "58" }, DocNumber: "PO-8841", Line: [{ DetailType: "SalesItemLineDetail", Amount: 62.5 }] },
};
const apiCalls = () => qbo.requestsTo(/^\/v3\//);

describe("quickbooks adapter: a Fault in a 200 is an error", () => {
  it.each([
    ["ValidationFault", "6140", "permanent"],
    ["SystemFault", "10000", "transient"],
    ["AuthorizationFault", "003100", "credentials"],
  ])("%s is %s", async (type, code, kind) => {
    qbo.failNext(1, 200, qboFault(type, code, "Something is off", "Duplicate Document Number Error"));
    const error = await failureOf(qboAdapter().deliver(deliveryOf(invoice)));
    expect(error).toMatchObject({ kind, status: 200 });
    expect(error.message).toContain(`${type} ${code}: Something is off: Duplicate Document Number Error`);
  });

  it("reads fault/error keys in any casing", async () => {
    qbo.failNext(1, 200, {
      fault: { error: [{ message: "Invalid Reference Id", detail: "Customer 58 is inactive", code: "2500" }], type: "ValidationFault" },
    });
    const error = await failureOf(qboAdapter().deliver(deliveryOf(invoice)));
    expect(error).toMatchObject({ kind: "permanent" });
    expect(error.message).toContain("Customer 58 is inactive");
  });

  it("a 400 ValidationFault from the API is permanent and names the problem", async () => {
    const error = await failureOf(qboAdapter().deliver(deliveryOf({ entity: "invoice", body: { DocNumber: "x" } })));
    expect(error).toMatchObject({ kind: "permanent", status: 400 });
    expect(error.message).toContain("Required param missing");
  });

  it("429 without Retry-After waits the documented minute", async () => {
    qbo.failNext(1, 429, qboFault("ThrottleExceeded", "003001", "ThrottleExceeded"));
    await expect(failureOf(qboAdapter().deliver(deliveryOf(invoice)))).resolves.toMatchObject({ kind: "transient", retryAfterMs: 60_000 });
  });
});

describe("quickbooks adapter: tokens", () => {
  it("stores every new refresh token in the TokenStore", async () => {
    const adapter = qboAdapter();
    await adapter.deliver(deliveryOf(invoice));
    expect(tokens.entries.get(STORE_KEY)).toBe(qbo.currentRefreshToken);
    expect(qbo.currentRefreshToken).not.toBe("qbo-refresh-initial");
    qbo.expireToken();
    await adapter.deliver(deliveryOf(invoice));
    expect(qbo.refreshes).toBe(2);
    expect(tokens.entries.get(STORE_KEY)).toBe(qbo.currentRefreshToken);
  });

  it("a restarted worker refreshes with the stored token, not the configured (rotated away) one", async () => {
    await qboAdapter().deliver(deliveryOf(invoice));
    await qboAdapter().deliver(deliveryOf(invoice));
    expect(qbo.refreshes).toBe(2);
    expect(qbo.requestsTo("/oauth2/v1/tokens/bearer").map((request) => request.form.refresh_token)).toEqual(qbo.issuedRefreshTokens.slice(0, 2));
  });

  it("concurrent deliveries share one refresh", async () => {
    const adapter = qboAdapter();
    await Promise.all([1, 2, 3].map(() => adapter.deliver(deliveryOf(invoice))));
    expect(qbo.refreshes).toBe(1);
    expect(qbo.entities("invoice")).toHaveLength(3);
  });

  it("falls back to the configured refresh token when the stored one is refused (app re-authorized)", async () => {
    await tokens.set(STORE_KEY, "qbo-refresh-revoked-long-ago");
    await expect(qboAdapter().deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(tokens.entries.get(STORE_KEY)).toBe(qbo.currentRefreshToken);
  });

  it("a refused refresh token (invalid_grant) is a credentials error that says what to do", async () => {
    qbo.revokeRefreshToken();
    const error = await failureOf(qboAdapter().deliver(deliveryOf(invoice)));
    expect(error).toMatchObject({ kind: "credentials", status: 400 });
    expect(error.message).toContain("invalid_grant");
    expect(error.message).toContain("re-authorize");
    expect(error.message).not.toContain("qbo-refresh-initial");
    expect(apiCalls()).toEqual([]);
  });

  it("on 401, refreshes once and repeats with the same requestid", async () => {
    const adapter = qboAdapter();
    await adapter.deliver(deliveryOf(invoice));
    qbo.expireToken();
    await expect(adapter.deliver(deliveryOf(invoice, { routeId: "r" }))).resolves.toMatchObject({ status: 200 });
    const [, refused, repeated] = apiCalls();
    expect(refused?.query.requestid).toBe(repeated?.query.requestid);
    expect(repeated?.headers.authorization).toBe(`Bearer ${qbo.issuedAccessTokens[1]}`);
  });

  it("a Fault code 3200 in a 200 also refreshes and repeats", async () => {
    const adapter = qboAdapter();
    await adapter.deliver(deliveryOf(invoice));
    qbo.failNext(1, 200, qboFault("AuthenticationFault", "3200", "message=AuthenticationFailed; errorCode=003200; statusCode=401"));
    await expect(adapter.deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(qbo.refreshes).toBe(2);
  });
});

// Two adapters on one store stand for two worker processes (the process test is
// test/integration/worker/token-rotation-processes.test.ts).
describe("quickbooks adapter: tokens shared by several processes", () => {
  const warm = async () => {
    const adapters = [qboAdapter(), qboAdapter()];
    for (const adapter of adapters) await adapter.deliver(deliveryOf(invoice));
    return adapters;
  };

  it("both meet an expired token at once: one refreshes, the other takes its access token", async () => {
    const adapters = await warm();
    qbo.tokenDelayMs = 100;
    for (let round = 0; round < 3; round += 1) {
      qbo.expireToken();
      const refreshes = qbo.refreshes;
      await Promise.all(adapters.map((adapter) => adapter.deliver(deliveryOf(invoice))));
      expect(qbo.refreshes).toBe(refreshes + 1);
      expect(tokens.entries.get(STORE_KEY)).toBe(qbo.currentRefreshToken);
    }
  });

  it("one finding the token rotated since it looked takes the stored access token instead of refreshing", async () => {
    const [first, second] = await warm();
    qbo.expireToken();
    // The second's refresh during warm-up rotated the token since the first last looked: the first
    // takes that access token, which the API refuses as well (every token expired), so it
    // refreshes after all — once, and the delivery succeeds.
    const refreshes = qbo.refreshes;
    await expect(first!.deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(qbo.refreshes).toBe(refreshes + 1);
    expect(
      apiCalls()
        .slice(-3)
        .map((call) => call.headers.authorization),
    ).toEqual([qbo.issuedAccessTokens.at(-3), qbo.issuedAccessTokens.at(-2), qbo.issuedAccessTokens.at(-1)].map((token) => `Bearer ${token}`));
    // The second now finds the first's refresh and takes its access token.
    await expect(second!.deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(qbo.refreshes).toBe(refreshes + 1);
    expect(apiCalls().at(-1)?.headers.authorization).toBe(`Bearer ${qbo.issuedAccessTokens.at(-1)}`);
  });

  it("waits out the lease of a holder that died, then refreshes", async () => {
    const [adapter] = await warm();
    qbo.expireToken();
    await tokens.lease(STORE_KEY, "crashed-worker", 300);
    const started = Date.now();
    await expect(adapter!.deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("a refresh that finds a different token stored leaves it there", async () => {
    const [adapter] = await warm();
    qbo.expireToken();
    // Another process's newer token appears while this one refreshes (its lease had run out).
    const compareAndSet = tokens.compareAndSet.bind(tokens);
    tokens.compareAndSet = async (key, expected, value) => {
      await tokens.set(key, "qbo-refresh-from-elsewhere");
      return compareAndSet(key, expected, value);
    };
    await expect(adapter!.deliver(deliveryOf(invoice))).resolves.toMatchObject({ status: 200 });
    expect(tokens.entries.get(STORE_KEY)).toBe("qbo-refresh-from-elsewhere");
  });
});

describe("quickbooks adapter: request", () => {
  it("hashes a long route+event id into a 40-hex requestid, the same for every attempt", async () => {
    const delivery = deliveryOf(invoice, { routeId: "a-rather-long-route-identifier-for-invoices" });
    qbo.failNext(1, 503);
    await failureOf(qboAdapter().deliver(delivery));
    await qboAdapter().deliver({ ...delivery, attempt: 2 });
    const [first, second] = apiCalls();
    expect(first?.query.requestid).toMatch(/^[0-9a-f]{40}$/);
    expect(second?.query.requestid).toBe(first?.query.requestid);
  });

  it("uses the configured minor version and any entity", async () => {
    const receipt = await qboAdapter({ minorVersion: 76 }).deliver(deliveryOf({ entity: "Customer", body: { DisplayName: "Ada Buyer" } }));
    expect(apiCalls()[0]).toMatchObject({ path: `/v3/company/${qbo.realmId}/customer`, query: expect.objectContaining({ minorversion: "76" }) });
    expect(receipt.targetId).toBe(qbo.entities("customer")[0]?.Id);
  });

  it("logs intuit_tid at debug", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    await qboAdapter({}, pino({ level: "debug" }, sink)).deliver(deliveryOf(invoice));
    expect(lines).toContainEqual(expect.objectContaining({ level: 20, intuitTid: expect.stringMatching(/^tid-/) }));
    expect(JSON.stringify(lines)).not.toContain(qbo.issuedAccessTokens[0]);
  });
});
