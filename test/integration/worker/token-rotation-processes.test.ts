import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeQuickBooks } from "../../helpers/fakes/index.js";
import { eventually } from "../../helpers/worker-setup.js";
import { count, SHARED_STORES, startWorkerPair, type WorkerPair } from "../../helpers/worker-pair.js";

const ROUNDS = 5;
const PER_ROUND = 4;
const DELIVERED = "event delivered";
const DEAD = "event dead-lettered";
const ADOPTED = "took the access token another process refreshed";

const qboRoute = (qbo: FakeQuickBooks, destination: string) => `
destinations:
  ${destination}:
    kind: quickbooks
    baseUrl: "${qbo.url}"
    tokenUrl: "${qbo.tokenUrl}"
    realmId: "${qbo.realmId}"
    clientId: ${qbo.clientId}
    clientSecret: ${qbo.clientSecret}
    refreshToken: qbo-refresh-initial
    timeoutMs: 5000
routes:
  orders-to-books:
    events: app.order.*
    mapping: '{ "entity": "invoice", "body": { "CustomerRef": { "value": "58" }, "DocNumber": data.orderId, "Line": [{ "DetailType": "SalesItemLineDetail", "Amount": 10 }] } }'
    destination: ${destination}
    retry: { attempts: 3, baseDelay: 200ms, maxDelay: 1s, jitter: 0 }
    concurrency: 4
`;

// QuickBooks revokes a refresh token as soon as it has issued the next one (the stand-in at once).
// Two worker machines whose access tokens expire together must not both refresh: the second would
// send a revoked token (invalid_grant: a credentials dead letter) or store an older token over
// the newer one.
describe.each(SHARED_STORES)("QuickBooks refresh-token rotation across two worker processes sharing %s", (_name, store) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("an expired access token at both at once: one refresh, both deliver, the store keeps the newest token — round after round", async () => {
    const qbo = await FakeQuickBooks.start();
    cleanups.push(() => qbo.close());
    // Answers late: the other process's refresh comes while the first is still out.
    qbo.tokenDelayMs = 300;
    const destination = `books-${randomUUID().slice(0, 8)}`;
    const storeKey = `quickbooks:${destination}:refresh`;
    const pair: WorkerPair = await startWorkerPair(qboRoute(qbo, destination), store);
    cleanups.push(() => pair.close());
    const db = await openStateDb({ dataDir: pair.storeEnv.DATA_DIR!, databaseUrl: pair.storeEnv.DATABASE_URL });
    cleanups.push(async () => {
      await db.deleteFrom("tokens").where("key", "like", `quickbooks:${destination}:%`).execute();
      await db.destroy();
    });
    const [first, second] = pair.workers;
    const invoices = () => qbo.entities("invoice").length;
    const dead = () => count(first, DEAD) + count(second, DEAD);
    let posted = 0;
    const burst = async (events: number) => {
      const ids = Array.from({ length: events }, () => `evt-${randomUUID()}`);
      const answers = await Promise.all(ids.map((id) => pair.post({ kind: "order.created", id, orderId: `PO-${id.slice(4, 12)}` })));
      expect(answers.map((answer) => answer.status)).toEqual(Array(events).fill(202));
      posted += events;
      await eventually(() => invoices() + dead() >= posted, 15_000, `${posted} invoices`);
      expect(dead()).toBe(0);
      expect(invoices()).toBe(posted);
    };

    // Warm-up: each process gets its first access token (a process that has seen no token yet refreshes).
    while (count(first, DELIVERED) === 0 || count(second, DELIVERED) === 0) await burst(PER_ROUND);

    for (let round = 1; round <= ROUNDS; round += 1) {
      qbo.expireToken();
      const refreshes = qbo.refreshes;
      const adopted = count(first, ADOPTED) + count(second, ADOPTED);
      const delivered = [count(first, DELIVERED), count(second, DELIVERED)];
      await burst(PER_ROUND);
      expect(qbo.refreshes, `round ${round}: refreshes at QuickBooks`).toBe(refreshes + 1);
      // The other process took the access token that refresh brought, from the store.
      await eventually(() => count(first, ADOPTED) + count(second, ADOPTED) === adopted + 1, 5000, "the other process taking the new token");
      // Both met the expired token in this round: the race was there to lose.
      await eventually(() => count(first, DELIVERED) > delivered[0]! && count(second, DELIVERED) > delivered[1]!, 5000, "both processes delivering");
    }

    const stored = await db.selectFrom("tokens").select("value").where("key", "=", storeKey).executeTakeFirst();
    expect(stored?.value).toBe(qbo.currentRefreshToken);
    const sent = qbo.requestsTo("/oauth2/v1/tokens/bearer").filter((request) => request.form.refresh_token !== undefined);
    // Every refresh sent the token current at that moment: none was sent with a revoked one.
    expect(sent.map((request) => request.form.refresh_token)).toEqual(qbo.issuedRefreshTokens.slice(0, sent.length));
  });
});
