import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { decodeTokenExpiry, tokenExpiryKey } from "../../../src/contracts/token-expiry.js";
import type { TokenStore } from "../../../src/contracts/token-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { createSqlTokenStore } from "../../../src/state/token-store.js";
import { FakeTrackViaApi } from "../../helpers/fake-trackvia-api.js";
import { deliveryOf, failureOf, silentLogger } from "../../helpers/fakes/index.js";
import { tempDir } from "../../helpers/worker-pair.js";

let tv: FakeTrackViaApi;
let db: StateDb;
let tokens: TokenStore;
const REFRESH_KEY = "trackvia:jobs:refresh";

beforeEach(async () => {
  tv = await FakeTrackViaApi.start();
  db = await openStateDb({ dataDir: tempDir("wr-trackvia-") });
  tokens = createSqlTokenStore(db);
});
afterEach(async () => {
  await tv.close();
  await db.destroy();
});

function trackvia(overrides: Record<string, unknown> = {}, logger = silentLogger()) {
  const config = { kind: "trackvia", baseUrl: tv.url, userKey: tv.userKey, refreshToken: "tv-refresh-initial", viewId: 12, ...overrides };
  return createAdapter("jobs", destinationSchema.parse(config), { logger, amqpUrl: "", tokens });
}

const job = { data: { "Job Name": "Boiler service", Customer: "Acme" } };

describe("trackvia adapter: records", () => {
  it("creates a record: POST /openapi/views/{viewId}/records?user_key=…, bearer token, body {data:[…]}", async () => {
    const receipt = await trackvia().deliver(deliveryOf(job));
    const [call] = tv.recordCalls();
    expect(call).toMatchObject({ method: "POST", path: "/openapi/views/12/records", query: { user_key: tv.userKey } });
    expect(call!.headers.authorization).toBe(`Bearer ${tv.issuedAccessTokens[0]}`);
    expect(call!.json).toEqual({ data: [{ "Job Name": "Boiler service", Customer: "Acme" }] });
    expect(receipt).toMatchObject({ status: 200, targetId: String([...tv.records.keys()][0]) });
  });

  it("updates a record when the mapping names recordId: PUT …/records/{recordId}, in the view it names", async () => {
    const existing = tv.seed("77", { "Job Name": "Old" });
    await trackvia().deliver(deliveryOf({ viewId: 77, recordId: existing.id, data: { "Job Name": "New" } }));
    expect(tv.recordCalls()[0]).toMatchObject({ method: "PUT", path: `/openapi/views/77/records/${existing.id}` });
    expect(tv.records.get(existing.id)).toMatchObject({ "Job Name": "New" });
  });

  it("a record that does not exist is permanent, with TrackVia's message", async () => {
    const error = await failureOf(trackvia().deliver(deliveryOf({ recordId: 999, data: { a: 1 } })));
    expect(error).toMatchObject({ kind: "permanent", status: 404 });
    expect(error.message).toContain("Record 999 not found");
  });

  it("without a viewId anywhere, the delivery is permanent before anything is sent", async () => {
    const error = await failureOf(trackvia({ viewId: undefined }).deliver(deliveryOf(job)));
    expect(error.kind).toBe("permanent");
    expect(error.message).toMatch(/no viewId/);
    expect(tv.requests).toHaveLength(0);
  });

  it("5xx is transient", async () => {
    tv.failNext(1, 503, { message: "Service Unavailable" });
    await expect(failureOf(trackvia().deliver(deliveryOf(job)))).resolves.toMatchObject({ kind: "transient", status: 503 });
  });
});

describe("trackvia adapter: tokens", () => {
  it("an expired access token: exactly one refresh, the call repeated and accepted, the rotated refresh token in the state store", async () => {
    const adapter = trackvia();
    await adapter.deliver(deliveryOf(job));
    expect(tv.refreshes).toBe(1);
    tv.expireToken();
    await adapter.deliver(deliveryOf(job));
    expect(tv.refreshes).toBe(2);
    expect(tv.records.size).toBe(2);
    const calls = tv.recordCalls().map((call) => call.headers.authorization);
    expect(calls).toEqual([`Bearer ${tv.issuedAccessTokens[0]}`, `Bearer ${tv.issuedAccessTokens[0]}`, `Bearer ${tv.issuedAccessTokens[1]}`]);
    expect(await tokens.get(REFRESH_KEY)).toBe(tv.currentRefreshToken);
    expect(tv.currentRefreshToken).not.toBe("tv-refresh-initial");
  });

  it("the token requests are TrackVia's: client TrackViaAPI with no secret, user_key on the URL", async () => {
    await trackvia().deliver(deliveryOf(job));
    const [request] = tv.requestsTo("/oauth/token");
    expect(request!.form).toEqual({ grant_type: "refresh_token", refresh_token: "tv-refresh-initial", client_id: "TrackViaAPI" });
    expect(request!.query.user_key).toBe(tv.userKey);
  });

  it("a refused refresh is a credentials failure that names what to do and leaks no token", async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const adapter = trackvia({}, logger);
    await adapter.deliver(deliveryOf(job));
    const revoked = tv.currentRefreshToken!;
    tv.revokeRefreshToken();
    tv.expireToken();
    const error = await failureOf(adapter.deliver(deliveryOf(job)));
    expect(error.kind).toBe("credentials");
    expect(error.message).toMatch(/invalid_grant/);
    expect(error.message).toMatch(/get a new refresh token and set refreshToken/);
    for (const secret of [revoked, tv.userKey, ...tv.issuedAccessTokens]) {
      expect(error.message).not.toContain(secret);
      expect(lines.join("")).not.toContain(secret);
    }
  });

  it("with username and password, a refused refresh token logs in again instead of failing", async () => {
    const adapter = trackvia({ username: tv.username, password: tv.password });
    await adapter.deliver(deliveryOf(job));
    tv.revokeRefreshToken();
    tv.expireToken();
    await adapter.deliver(deliveryOf(job));
    expect(tv.logins).toBe(1);
    expect(tv.records.size).toBe(2);
  });

  it("records when the refresh token expires (refreshToken.expiration) for the warning email", async () => {
    tv.refreshTokenLifetimeMs = 3 * 86_400_000;
    await trackvia().deliver(deliveryOf(job));
    const expiry = decodeTokenExpiry(await tokens.get(tokenExpiryKey("jobs")));
    expect(expiry?.what).toBe("refresh token");
    expect(Date.parse(expiry!.expiresAt) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(Date.parse(expiry!.expiresAt) - Date.now()).toBeLessThanOrEqual(3 * 86_400_000);
  });

  it("with a password login, the refresh token's expiry is not recorded: the router logs in again by itself", async () => {
    tv.refreshTokenLifetimeMs = 3 * 86_400_000;
    await trackvia({ refreshToken: undefined, username: tv.username, password: tv.password }).deliver(deliveryOf(job));
    expect(tv.logins).toBe(1);
    expect(await tokens.get(tokenExpiryKey("jobs"))).toBeUndefined();
  });
});

describe("trackvia destination config", () => {
  it.each([
    [{ userKey: "k" }, "refreshToken", "expected username and password, or a refreshToken"],
    [{ userKey: "k", username: "u" }, "password", "username and password go together"],
    [{ userKey: "k", refreshToken: "r", refreshTokenExpiresAt: "next week" }, "refreshTokenExpiresAt", "ISO 8601"],
  ])("%j is refused at %s", (fields, path, message) => {
    const result = destinationSchema.safeParse({ kind: "trackvia", ...fields });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((item) => item.path.join(".") === path);
    expect(issue?.message).toContain(message);
  });
});
