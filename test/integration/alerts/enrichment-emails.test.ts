import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const routes = (sinkUrl: string, apiUrl: string, token: string) => `
destinations:
  books: { kind: http, url: "${sinkUrl}/invoices" }
routes:
  orders-to-books:
    events: app.#
    enrich:
      - as: order
        url: ${apiUrl}/orders/{event.data.orderId}?expand=lines&key=query-secret
        headers: { Authorization: "Bearer ${token}" }
    mapping: '{ "ref": $order.shortId }'
    destination: books
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

describe("failure emails for an enrichment call", () => {
  let smtp: SmtpCapture;
  let api: FakeTracktileApi;
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    [smtp, api, sink] = await Promise.all([startSmtpCapture(), startFakeTracktileApi(), FakeHttpSink.start()]);
    harness = await startWorkerHarness(routes(sink.url, api.url, api.token), {
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_DIGEST_WINDOW: "2s",
    });
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all([sink?.close(), api?.close(), smtp?.stop()]);
  });

  it("a 404 from the enrichment API → an email naming the enrichment step and call, not the destination, as what failed", async () => {
    await harness.post({ kind: "order.completed", id: "evt-gone", orderId: "ord_gone" });
    const [email] = await smtp.waitFor(1, 10_000);
    const host = new URL(api.url).host;
    expect(email!.subject).toBe("[webhook-router] 1 event dead-lettered on route orders-to-books");
    expect(email!.text).toContain(`its enrichment call "order" (GET ${host}/orders/ord_gone) failed`);
    expect(email!.text).toMatch(/Failed call:\s+enrichment "order": GET \S+\/orders\/ord_gone\n/);
    expect(email!.text).toMatch(/Destination:\s+books \(not called\)/);
    expect(email!.text).toMatch(/Enrichment status:\s+404/);
    expect(email!.text).toContain("- permanent (enrichment): The enrichment call answered");
    expect(email!.text).not.toMatch(/the destination rejected/i);
    expect(email!.text).not.toContain("query-secret");
    expect(email!.text).not.toContain(api.token);
    expect(sink.requests).toHaveLength(0);
  });

  it("a 401 from the enrichment API → a credentials email about the step's credential, not the destination's", async () => {
    api.failNext(1, 401);
    await harness.post({ kind: "order.completed", id: "evt-401", orderId: "ord_8841" });
    await eventually(() => smtp.messages.some((email) => /credentials/i.test(email.subject)), 10_000, "the credentials email");
    const email = smtp.messages.find((message) => /credentials/i.test(message.subject))!;
    expect(email.subject).toBe('[webhook-router] 1 event failed on route orders-to-books: enrichment "order" rejected credentials (401)');
    expect(email.text).toContain('1. Rotate the credential in the headers of enrichment step "order" of route orders-to-books');
    expect(email.text).not.toContain("Rotate the credential of destination");
    expect(email.text).toContain("evt-401");
  });
});
