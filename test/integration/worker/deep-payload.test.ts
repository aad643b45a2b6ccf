import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const routes = (sinkUrl: string) => `
destinations:
  sink: { kind: http, url: "${sinkUrl}/in" }
routes:
  as-is:
    events: app.#
    destination: sink
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
  wrapped:
    events: app.#
    mapping: '{ "wrapped": data }'
    destination: sink
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

describe("a payload nested deeper than the worker can copy", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("is dead-lettered at once as a mapping failure (10,000 levels), never retried, the target never called", async () => {
    const nested = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const answer = await fetch(`${harness.router.url}/webhooks/app`, {
      method: "POST",
      headers: { "x-token": "app-secret" },
      body: `{"kind":"deep.event","id":"evt-deep","nested":${nested}}`,
    });
    expect(answer.status).toBe(202);
    for (const route of ["as-is", "wrapped"]) {
      const message = await harness.nextIn(`${harness.prefix}${route}.dead`, 10_000);
      expect(message.properties.messageId).toBe("evt-deep");
      expect(message.properties.headers).toMatchObject({ "x-error-kind": "mapping", "x-attempts": 1 });
      expect(String(message.properties.headers!["x-error"])).toMatch(/nested too deeply/);
    }
    expect(sink.requests).toHaveLength(0);
  });
});
