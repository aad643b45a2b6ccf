import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import type { TokenStore } from "../../../src/contracts/token-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { createSqlTokenStore } from "../../../src/state/token-store.js";
import { FakeTrackTikApi } from "../../helpers/fake-tracktik-api.js";
import { deliveryOf, failureOf, sampleEvent, silentLogger } from "../../helpers/fakes/index.js";
import { tempDir } from "../../helpers/worker-pair.js";

let tt: FakeTrackTikApi;
let db: StateDb;
let tokens: TokenStore;

beforeEach(async () => {
  tt = await FakeTrackTikApi.start();
  db = await openStateDb({ dataDir: tempDir("wr-tracktik-") });
  tokens = createSqlTokenStore(db);
});
afterEach(async () => {
  await tt.close();
  await db.destroy();
});

function tracktik(overrides: Record<string, unknown> = {}) {
  const config = {
    kind: "tracktik",
    baseUrl: tt.url,
    clientId: tt.clientId,
    clientSecret: tt.clientSecret,
    username: tt.username,
    password: tt.password,
    path: "/rest/v1/employees",
    ...overrides,
  };
  return createAdapter("staff", destinationSchema.parse(config), { logger: silentLogger(), amqpUrl: "", tokens });
}

const employee = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };

describe("tracktik adapter", () => {
  it("creates an entity: password grant (client id and secret in the form), bearer token, POST /rest/v1/employees", async () => {
    const receipt = await tracktik().deliver(deliveryOf(employee));
    const [login] = tt.requestsTo("/rest/oauth2/access_token");
    expect(login!.form).toEqual({
      grant_type: "password",
      username: tt.username,
      password: tt.password,
      client_id: tt.clientId,
      client_secret: tt.clientSecret,
    });
    const created = [...tt.entities("employees").values()];
    expect(created).toEqual([{ ...employee, id: 501 }]);
    expect(receipt).toMatchObject({ status: 201, targetId: "501" });
  });

  it("updates an entity by path template: PUT /rest/v1/clients/{payload.id}", async () => {
    const adapter = tracktik({ method: "POST", path: "/rest/v1/clients" });
    await adapter.deliver(deliveryOf({ name: "Acme Security" }));
    const update = tracktik({ method: "PUT", path: "/rest/v1/clients/{payload.id}" });
    await update.deliver(deliveryOf({ id: 501, name: "Acme Security Ltd" }));
    expect(tt.entities("clients").get(501)).toMatchObject({ name: "Acme Security Ltd" });
    expect(tt.requests.at(-1)).toMatchObject({ method: "PUT", path: "/rest/v1/clients/501" });
  });

  it("an expired access token: the single-use refresh token is used once and the rotated one kept in the state store", async () => {
    const adapter = tracktik();
    await adapter.deliver(deliveryOf(employee));
    const first = tt.issuedRefreshTokens[0];
    expect(await tokens.get("tracktik:staff:refresh")).toBe(first);
    tt.expireToken();
    await adapter.deliver(deliveryOf({ ...employee, firstName: "Grace" }));
    expect(tt.logins).toBe(1);
    expect(tt.refreshes).toBe(1);
    expect(tt.requestsTo("/rest/oauth2/access_token").at(-1)!.form).toMatchObject({ grant_type: "refresh_token", refresh_token: first });
    expect(await tokens.get("tracktik:staff:refresh")).toBe(tt.issuedRefreshTokens[1]);
    expect(tt.entities("employees").size).toBe(2);
  });

  it("a restarted process refreshes with the token in the state store, not a new login", async () => {
    await tracktik().deliver(deliveryOf(employee));
    tt.expireToken();
    await tracktik().deliver(deliveryOf(employee));
    expect(tt.logins).toBe(1);
    expect(tt.refreshes).toBe(1);
  });

  it("400 validation is permanent and names the fields", async () => {
    const error = await failureOf(tracktik().deliver(deliveryOf({ email: "x@example.com" })));
    expect(error).toMatchObject({ kind: "permanent", status: 400 });
    expect(error.message).toMatch(/Validation failed.*firstName/);
  });

  it("a refused login is credentials, and is not tried again for every event (40 failures block the IP)", async () => {
    const adapter = tracktik({ password: "wrong-password" });
    const first = await failureOf(adapter.deliver(deliveryOf(employee)));
    expect(first.kind).toBe("credentials");
    expect(first.message).toMatch(/invalid_grant/);
    expect(first.message).not.toContain("wrong-password");
    for (let i = 0; i < 5; i += 1) await expect(failureOf(adapter.deliver(deliveryOf(employee)))).resolves.toMatchObject({ kind: "credentials" });
    expect(tt.failedLogins).toBe(1);
  });

  it("client credentials when no user is configured", async () => {
    await tracktik({ username: undefined, password: undefined }).deliver(deliveryOf(employee));
    expect(tt.requestsTo("/rest/oauth2/access_token")[0]!.form.grant_type).toBe("client_credentials");
  });

  it("a 403 from the AWS load balancer is credentials and says it is the firewall", async () => {
    tt.failNext(1, 403, "<html>403 Forbidden</html>", { server: "awselb/2.0" });
    const error = await failureOf(tracktik().deliver(deliveryOf(employee)));
    expect(error.kind).toBe("credentials");
    expect(error.message).toMatch(/firewall/);
  });

  it("429 and 504 are transient", async () => {
    tt.failNext(1, 429, { message: "Too Many Requests" }, { "retry-after": "30" });
    await expect(failureOf(tracktik().deliver(deliveryOf(employee)))).resolves.toMatchObject({ kind: "transient", retryAfterMs: 30_000 });
    tt.failNext(1, 504, { message: "Gateway Timeout" });
    await expect(failureOf(tracktik().deliver(deliveryOf(employee)))).resolves.toMatchObject({ kind: "transient" });
  });

  it("a path placeholder with no value in the event is refused before anything is sent", async () => {
    const adapter = tracktik({ method: "PUT", path: "/rest/v1/clients/{event.data.clientId}" });
    await expect(adapter.deliver(deliveryOf({ name: "x" }, { event: sampleEvent({ data: {} }) }))).rejects.toThrow(/clientId/);
    expect(tt.requests).toHaveLength(0);
  });
});

describe("tracktik adapter: a revoked refresh token", () => {
  it("logs in again with the service employee's password instead of failing", async () => {
    const adapter = tracktik();
    await adapter.deliver(deliveryOf(employee));
    tt.revokeRefreshTokens();
    tt.expireToken();
    await adapter.deliver(deliveryOf(employee));
    expect(tt.logins).toBe(2);
    expect(tt.entities("employees").size).toBe(2);
  });
});
