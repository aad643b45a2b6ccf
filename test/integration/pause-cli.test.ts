import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRoutes } from "../../src/config/load-routes.js";
import { FakeHttpSink } from "../helpers/fakes/index.js";
import { startRouterProcess, type RouterProcess } from "../helpers/router-process.js";
import { deleteRouteQueues } from "../helpers/router.js";
import { APP_SOURCE, eventually } from "../helpers/worker-setup.js";
import { tempDir } from "../helpers/worker-pair.js";
import { linesAbout, pauseRoutes } from "../helpers/pause-routes.js";

const run = promisify(execFile);
// Each command is a fresh Node process: seconds apiece on a loaded machine.

describe("webhook-router routes|destinations pause|resume|list, and a pause that survives a restart", () => {
  let sink: FakeHttpSink;
  let router: RouterProcess | undefined;
  const routesDir = tempDir("wr-routes-");
  const env = {
    ROUTES_DIR: routesDir,
    DATA_DIR: tempDir("wr-data-"),
    AMQP_EXCHANGE: `test.events.${randomUUID()}`,
    QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
    LOG_LEVEL: "info",
    PAUSE_POLL_INTERVAL: "300ms",
  };
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ["dist/cli/main.js", ...args], {
        env: { PATH: process.env.PATH, ...env, DATABASE_URL: "", ENV_FILE: "" },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const post = (kind: string, id: string) =>
    fetch(`${router!.url}/webhooks/app`, { method: "POST", headers: { "x-token": "app-secret" }, body: JSON.stringify({ kind, id }) });
  const start = async () => {
    router = await startRouterProcess(env, { role: "all" });
    await eventually(() => router!.logs.some((line) => line.msg === "workers consuming"), 10_000, "the workers consuming");
  };

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    writeFileSync(join(routesDir, "app.yaml"), APP_SOURCE);
    writeFileSync(join(routesDir, "routes.yaml"), pauseRoutes(sink.url));
    await start();
  });
  afterAll(async () => {
    await router?.kill("SIGKILL");
    await deleteRouteQueues(env.QUEUE_PREFIX, loadRoutes(routesDir, {}));
    await sink?.close();
  });

  it("pauses from the CLI reach the running router; after a restart the paused routes do not consume, and resuming delivers what waited", async () => {
    const paused = await cli("routes", "pause", "orders-to-erp", "--reason", "mapping being fixed (JIRA-42)");
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(
      /^route orders-to-erp paused \(mapping being fixed \(JIRA-42\)\) at \S+Z: every worker stops consuming within 0\.3s$/m,
    );
    expect((await cli("destinations", "pause", "archive")).stdout).toMatch(/^destination archive paused at /);
    await eventually(
      () => linesAbout(router!, "route paused (by its route): not consuming its queue", "orders-to-erp").length === 1,
      5000,
      "the route paused",
    );
    await eventually(
      () => linesAbout(router!, "route paused (by its destination): not consuming its queue", "orders-to-archive").length === 1,
      5000,
      "the destination's route paused",
    );

    // A crash and a new start: the pauses are read before any consumer starts.
    await router!.kill("SIGKILL");
    await start();
    expect(router!.logs.find((line) => line.msg === "workers consuming")?.paused).toEqual(["orders-to-erp", "orders-to-archive"]);
    const orders = ["o-1", "o-2", "o-3"].map((id) => `${id}-${randomUUID().slice(0, 6)}`);
    for (const id of orders) expect((await post("order.created", id)).status).toBe(202);
    expect((await post("invoice.created", "inv-1")).status).toBe(202);
    // The same destination's other route, not paused, delivers: only the paused ones hold back.
    await eventually(() => sink.requestsTo("/erp").length === 1, 10_000, "the invoice delivered");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.requestsTo("/erp").map((request) => request.headers["idempotency-key"])).toEqual(["inv-1"]);
    expect(sink.requestsTo("/archive")).toHaveLength(0);

    const listed = await cli("routes", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^orders-to-erp {2}erp {2}paused by route since \S+Z \(mapping being fixed \(JIRA-42\)\) {2}waiting=3$/),
      "invoices-to-erp  erp  consuming  waiting=0",
      expect.stringMatching(/^orders-to-archive {2}archive {2}paused by destination since \S+Z {2}waiting=3$/),
      "3 route(s), 2 paused",
    ]);
    expect((await cli("destinations", "list")).stdout.trim().split("\n")).toEqual([
      "erp  delivering  routes: orders-to-erp, invoices-to-erp",
      expect.stringMatching(/^archive {2}paused since \S+Z {2}routes: orders-to-archive$/),
    ]);

    // Resuming the route does not lift its destination's pause, and says so.
    expect((await cli("routes", "resume", "orders-to-archive")).stdout.trim()).toBe(
      "route orders-to-archive was not paused; still paused by its destination archive: destinations resume archive",
    );
    expect((await cli("destinations", "resume", "archive")).stdout.trim()).toBe("destination archive resumed");
    await eventually(() => sink.requestsTo("/archive").length === 3, 10_000, "the archive deliveries");
    expect(sink.requestsTo("/erp")).toHaveLength(1);
    expect((await cli("routes", "resume", "orders-to-erp")).stdout.trim()).toBe("route orders-to-erp resumed");
    await eventually(() => sink.requestsTo("/erp").length === 4, 10_000, "the waiting orders delivered");
    const keys = sink.requestsTo("/erp").map((request) => request.headers["idempotency-key"]);
    expect(keys.slice(1).sort()).toEqual([...orders].sort());
    expect((await cli("routes", "list")).stdout).toContain("0 paused");
  }, 120_000);

  it("an unknown route or destination, or a missing id, is refused naming what exists", async () => {
    const unknown = await cli("routes", "pause", "orders-to-rep");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'webhook-router routes: no route "orders-to-rep" in ROUTES_DIR; routes: orders-to-erp, invoices-to-erp, orders-to-archive',
    );
    expect((await cli("destinations", "resume", "ledger")).stderr).toMatch(/no destination "ledger" in ROUTES_DIR; destinations: erp, archive/);
    const missing = await cli("routes", "pause");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/routes pause needs exactly one id/);
  }, 60_000);
});
