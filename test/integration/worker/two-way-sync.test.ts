import { randomUUID } from "node:crypto";
import amqplib from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventJourney } from "../../../src/ops/delivery-log/index.js";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { postSigned } from "../../helpers/post.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { EXAMPLE_SECRETS, startTestRouter, type TestRouter } from "../../helpers/router.js";
import { eventually } from "../../helpers/worker-setup.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const TO_TRACKTILE = "erp-customer-updated-to-tracktile";
const TO_ERP = "tracktile-customer-updated-to-erp";

/** What the ERP (Odoo's automation webhook, signed by its sender) posts when a partner changes. */
const partnerWebhook = (partner: Record<string, unknown>) =>
  JSON.stringify({ _model: "res.partner", write_date: new Date().toISOString(), ...partner });

// The shipped routes, ingress and workers in one process, between the Tracktile stand-in (which
// sends its signed customer.updated webhook back after each change, as the platform does) and the
// Odoo stand-in. The whole loop: ERP → router → Tracktile → router → ERP → router → …
// With the state store in SQLite, and in the PostgreSQL several routers share (hence a customer id
// of its own per run: remembered writes outlive a run there).
describe.each([
  ["SQLite", {}],
  ["PostgreSQL", { DATABASE_URL: POSTGRES_URL }],
])(
  "two-way customer sync between the ERP and Tracktile (%s): every loop is broken, no real change is lost",
  (_engine, stateEnv: Record<string, string>) => {
    let router: TestRouter;
    const customer = `cus_${randomUUID().slice(0, 8)}`;
    const startedAt = new Date().toISOString();
    let api: FakeTracktileApi;
    let odoo: FakeOdoo;
    let partnerId: number;
    const exchange = `test.events.${randomUUID()}`;
    const admin = (path: string) => fetch(`http://127.0.0.1:${router.adminPort}${path}`);
    const partnerCalls = () => odoo.calls.filter((call) => call.model === "res.partner");
    const partnerWrites = () => partnerCalls().filter((call) => call.method === "write");

    /** Polls the admin API until the event reached `state` on `route` (the log is written in batches). */
    async function journeyOn(eventId: string, route: string, state: string): Promise<EventJourney> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const response = await admin(`/events/${encodeURIComponent(eventId)}`);
        const body = (await response.json()) as EventJourney;
        if (response.status === 200 && body.routes.find((r) => r.route === route)?.state === state) return body;
        if (Date.now() > deadline) throw new Error(`${eventId} never reached ${state} on ${route}: ${JSON.stringify(body)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const history = (journey: EventJourney, route: string) => journey.routes.find((r) => r.route === route)?.history;

    /** The id the router gave the webhook Tracktile sent last. */
    async function lastTracktileWebhook(): Promise<string> {
      await api.customers.settled();
      const sent = api.customers.webhooks.at(-1)!;
      expect(sent.status).toBe(202);
      return String(sent.body.id);
    }

    beforeAll(async () => {
      [api, odoo] = await Promise.all([startFakeTracktileApi(), FakeOdoo.start()]);
      partnerId = odoo.seed("res.partner", { name: "Acme Foods Ltd", email: "ap@acme.example", phone: false, x_tracktile_id: customer });
      router = await startTestRouter(
        {
          ROUTES_DIR: "routes",
          AMQP_EXCHANGE: exchange,
          ADMIN_PORT: "0",
          TRACKTILE_API_URL: api.url,
          TRACKTILE_API_TOKEN: api.token,
          ODOO_URL: odoo.url,
          ...stateEnv,
        },
        { role: "all" },
      );
      api.customers.webhookTo = { url: `${router.url}/webhooks/tracktile`, secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET };
    });
    afterAll(async () => {
      await api?.customers.settled();
      await router?.close();
      const connection = await amqplib.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close();
      await Promise.all([api?.close(), odoo?.close()]);
    });

    it("an ERP change reaches Tracktile as PUT /customers/{id}; Tracktile's webhook of it is an echo, and the ERP hears nothing", async () => {
      const body = partnerWebhook({
        _id: partnerId,
        name: "Acme Foods Ltd",
        email: "ap@acme.example",
        phone: "+1 555 0100",
        ref: "C-0042",
        x_tracktile_id: customer,
      });
      const accepted = await postSigned(router.url, "erp", body, "customer.updated");
      expect(accepted.status).toBe(202);

      await eventually(() => api.customers.puts.length === 1, 10_000, "the PUT to Tracktile");
      expect(api.customers.puts[0]).toMatchObject({
        id: customer,
        body: { id: customer, name: "Acme Foods Ltd", email: "ap@acme.example", phone: "+1 555 0100", externalRef: "C-0042" },
        // Tracktile documents no idempotency header, so the tracktile destination sends none: a PUT is idempotent anyway.
        idempotencyKey: undefined,
      });
      expect(api.requests.find((request) => request.method === "PUT")?.authorization).toBe(`Bearer ${api.token}`);
      await journeyOn(String(accepted.body.id), TO_TRACKTILE, "delivered");

      const echo = await journeyOn(await lastTracktileWebhook(), TO_ERP, "echo");
      expect(history(echo, TO_ERP)).toEqual([expect.objectContaining({ outcome: "echo", reason: "fingerprint", error: null })]);
      expect(partnerCalls()).toEqual([]);
    });

    it("a later real change in Tracktile reaches the ERP, and the ERP's webhook of that write is an echo in turn", async () => {
      await api.customers.edit(customer, { email: "orders@acme.example" }, "dana@acme-factory.example");
      await journeyOn(await lastTracktileWebhook(), TO_ERP, "delivered");
      expect(partnerWrites()).toHaveLength(1);
      expect(odoo.records("res.partner").find((partner) => partner.id === partnerId)).toMatchObject({ email: "orders@acme.example" });

      // Odoo's automation webhook for the write the router just made.
      const erpEcho = partnerWebhook({
        _id: partnerId,
        name: "Acme Foods Ltd",
        email: "orders@acme.example",
        phone: "+1 555 0100",
        ref: "C-0042",
        x_tracktile_id: customer,
      });
      const accepted = await postSigned(router.url, "erp", erpEcho, "customer.updated");
      const journey = await journeyOn(String(accepted.body.id), TO_TRACKTILE, "echo");
      expect(history(journey, TO_TRACKTILE)).toEqual([expect.objectContaining({ outcome: "echo", reason: "fingerprint" })]);
      expect(api.customers.puts).toHaveLength(1);
    });

    it("a change made by the integration's own API user in Tracktile is skipped as authored by it", async () => {
      const callsBefore = partnerCalls().length;
      await api.customers.edit(customer, { phone: "+1 555 0199" }, EXAMPLE_SECRETS.TRACKTILE_API_USER);
      const journey = await journeyOn(await lastTracktileWebhook(), TO_ERP, "echo");
      expect(history(journey, TO_ERP)).toEqual([expect.objectContaining({ outcome: "echo", reason: "authored-by" })]);
      const logged = router.logs.find((line) => line.id === journey.id && line.outcome === "echo");
      expect(logged).toMatchObject({ rule: "authored-by", author: EXAMPLE_SECRETS.TRACKTILE_API_USER, msg: expect.stringMatching(/own user/) });
      expect(partnerCalls()).toHaveLength(callsBefore);
    });

    it("counts the echoes in /status and the metrics", async () => {
      const status = (await (await admin(`/status?since=${startedAt}`)).json()) as { routes: Array<{ id: string } & Record<string, number>> };
      const counts = (route: string) => status.routes.find((entry) => entry.id === route);
      expect(counts(TO_ERP)).toMatchObject({ echo: 2, delivered: 1 });
      expect(counts(TO_TRACKTILE)).toMatchObject({ echo: 1, delivered: 1 });
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      expect(metrics).toContain(`webhook_router_deliveries_total{route="${TO_ERP}",outcome="echo"} 2`);
    });
  },
);
