import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import amqplib from "amqplib";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const run = promisify(execFile);
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const routes = (sinkUrl: string, callbackUrl: string) => `
sources:
  jobs:
    verify: { preset: header-token, header: x-token, secret: job-secret }
    api:
      route: job-run
      mode: async
      callback: { url: "${callbackUrl}/hook", secret: "${SECRET}" }
destinations:
  erp: { kind: http, url: "${sinkUrl}/jobs/{payload.sku}", timeoutMs: 3000 }
routes:
  job-run:
    events: jobs.#
    destination: erp
    mapping: "{ 'sku': data.sku }"
    sync: true
    retry: { baseDelay: 200ms }
`;

/**
 * Makes the queue refuse every publish, as a full one does (the route's queues overflow with
 * reject-publish): a policy `max-length` 0 on this test's queue alone, and — since a quorum queue
 * takes the one message that puts it over its limit — messages until the broker nacks one.
 */
async function refusePublishesTo(queue: string, policy: string): Promise<void> {
  const pattern = `^${queue.replaceAll(".", "\\.")}$`;
  await run("rabbitmqctl", ["set_policy", policy, pattern, '{"max-length":0}', "--apply-to", "queues", "--priority", "100"]);
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const taken = await new Promise<boolean>((resolve) =>
        channel.sendToQueue(queue, Buffer.from("filler"), {}, (error: unknown) => resolve(!error)),
      );
      if (!taken) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close().catch(() => {});
  }
  throw new Error(`${queue} still takes messages under the policy ${policy}`);
}

describe("an async call whose failed callback cannot be copied to its delay queue", () => {
  let sink: FakeHttpSink;
  let receiver: FakeHttpSink;
  let harness: WorkerHarness;
  let policy: string;

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ status: 200 });
    receiver = await FakeHttpSink.start({ status: 204 });
    harness = await startWorkerHarness(routes(sink.url, receiver.url));
    policy = `test-refuse-${harness.prefix}`;
  });
  afterAll(async () => {
    await run("rabbitmqctl", ["clear_policy", policy]).catch(() => {});
    await harness?.close();
    await sink?.close();
    await receiver?.close();
  });

  it("is not lost: the call comes back and re-posts the kept result, and the destination is called once", async () => {
    await refusePublishesTo(`${harness.prefix}job-run.retry.2`, policy);
    receiver.failNext(1, 503);
    const response = await fetch(`${harness.router.url}/api/jobs`, { method: "POST", headers: { "x-token": "job-secret" }, body: '{"sku":"SKU-7"}' });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const tries = () => receiver.requests.filter((request) => request.headers["webhook-id"] === id);

    await eventually(() => tries().length >= 2, 10_000, "the callback posted again");
    const [first, second] = tries();
    expect(first?.headers["webhook-id"]).toBe(second?.headers["webhook-id"]);
    expect(new Webhook(SECRET).verify(second!.body, second!.headers)).toEqual(new Webhook(SECRET).verify(first!.body, first!.headers));
    expect(new Webhook(SECRET).verify(second!.body, second!.headers)).toMatchObject({ id, status: 200, body: expect.anything() });
    const logs = harness.router.logs;
    expect(logs.some((line) => line.msg === "could not settle message; it will be redelivered" && line.id === id)).toBe(true);
    expect(logs.some((line) => line.msg === "callback not settled before: posting its kept result again" && line.id === id)).toBe(true);

    // Settled by the second POST: no third, the route's destination called once, nothing left in a queue.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(tries()).toHaveLength(2);
    expect(sink.requestsTo("/jobs/SKU-7")).toHaveLength(1);
    await expect(harness.nextIn(`${harness.prefix}job-run.dead`, 300)).rejects.toThrow(/no message/);
    await expect(harness.nextIn(`${harness.prefix}job-run`, 300)).rejects.toThrow(/no message/);
  });
});
