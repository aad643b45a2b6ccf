import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { deleteRouteQueues } from "../../helpers/router.js";
import { APP_SOURCE, eventually } from "../../helpers/worker-setup.js";

/** A routes folder with the `app` source and one route to `sinkUrl`. */
function routesFor(sinkUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wr-routes-"));
  writeFileSync(join(dir, "app.yaml"), APP_SOURCE);
  writeFileSync(
    join(dir, "routes.yaml"),
    `
destinations:
  sink: { kind: http, url: "${sinkUrl}/orders", timeoutMs: 2000 }
routes:
  orders:
    events: app.#
    destination: sink
    retry: { attempts: 3, baseDelay: 100ms, maxDelay: 1s }
`,
  );
  return dir;
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/webhooks/app`, { method: "POST", headers: { "x-token": "app-secret" }, body: JSON.stringify(body) });

describe("workers as separate processes", () => {
  const processes: RouterProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill("SIGKILL")));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function environment(routesDir: string) {
    const env = {
      ROUTES_DIR: routesDir,
      AMQP_EXCHANGE: `test.events.${randomUUID()}`,
      QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
      LOG_LEVEL: "info",
      // Claims last the target's 2 s timeout plus this: a killed worker's event waits 3 s.
      CLAIM_LEASE_MARGIN: "1s",
    };
    cleanups.push(() => deleteRouteQueues(env.QUEUE_PREFIX, loadRoutes(routesDir, {})));
    return env;
  }

  it("a worker SIGKILLed mid-delivery: the message comes back, waits out the dead worker's claim, and the target creates the record once", async () => {
    const sink = await FakeHttpSink.start();
    cleanups.push(() => sink.close());
    const env = environment(routesFor(sink.url));
    const dataDir = mkdtempSync(join(tmpdir(), "wr-data-"));
    // The target takes the first call but answers only after the worker is dead.
    sink.delayNext(1, 5000);
    const first = await startRouterProcess({ ...env, DATA_DIR: dataDir });
    processes.push(first);
    expect((await post(first.url, { kind: "order.created", id: "evt-killed" })).status).toBe(202);
    await eventually(() => sink.requests.length === 1, 5000, "the first delivery attempt");
    await first.kill("SIGKILL");

    const second = await startRouterProcess({ ...env, DATA_DIR: dataDir });
    processes.push(second);
    await eventually(() => sink.requests.length === 2, 10_000, "the redelivery");
    expect(sink.requests.map((request) => request.headers["idempotency-key"])).toEqual(["evt-killed", "evt-killed"]);
    expect(sink.records).toHaveLength(1);
    // Not while the first call could still be running at the target: only once its claim expired.
    expect(sink.requests[1]!.receivedAt - sink.requests[0]!.receivedAt).toBeGreaterThanOrEqual(2800);
    const held = second.logs.filter((line) => line.msg === "event being delivered by another worker; held back");
    expect(held[0]).toMatchObject({ id: "evt-killed", attempt: 1 });
    expect(String(held[0]!.heldBy)).toContain(`/${first.child.pid}/`);
  });

  it("--role ingress and two --role worker processes: every event delivered once, by competing consumers", async () => {
    const sink = await FakeHttpSink.start();
    cleanups.push(() => sink.close());
    const env = environment(routesFor(sink.url));
    // Slow answers, so one worker cannot take everything before the other starts.
    sink.delayNext(40, 50);
    const ingress = await startRouterProcess({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), "wr-data-")) }, { role: "ingress" });
    processes.push(ingress);
    const workers = await Promise.all(
      [1, 2].map(() => startRouterProcess({ ...env, DATA_DIR: mkdtempSync(join(tmpdir(), "wr-data-")) }, { role: "worker" })),
    );
    processes.push(...workers);
    // A worker-only process is ready once it consumes: both must, or one could take everything.
    for (const worker of workers) {
      for (let attempt = 0; attempt < 200 && (await fetch(`${worker.url}/readyz`)).status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    expect((await fetch(`${workers[0]!.url}/webhooks/app`, { method: "POST", body: "{}" })).status).toBe(404);

    const ids = Array.from({ length: 40 }, (_, i) => `evt-split-${i}`);
    for (const id of ids) expect((await post(ingress.url, { kind: "order.created", id })).status).toBe(202);
    await eventually(() => sink.records.length === ids.length, 15_000, "all deliveries");
    expect(new Set(sink.records.map((record) => record.idempotencyKey))).toEqual(new Set(ids));
    const deliveredBy = () => workers.map((worker) => worker.logs.filter((line) => line.msg === "event delivered").length);
    // Log lines are written asynchronously: wait for them too.
    await eventually(() => deliveredBy()[0]! + deliveredBy()[1]! === ids.length, 5000, "every worker's log lines");
    expect(Math.min(...deliveredBy())).toBeGreaterThan(0);
  });
});
