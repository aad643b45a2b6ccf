import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tapExchange, type QueueTap } from "../helpers/rabbit.js";
import { loadRoutes } from "../../src/config/load-routes.js";
import { deleteRouteQueues, EXAMPLE_SECRETS } from "../helpers/router.js";

const CLI = "dist/cli/main.js";

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, ENV_FILE: "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return once(child, "exit").then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe("webhook-router start with a broken routing table", () => {
  it("refuses to start, printing the file, the place and what was expected — no stack trace", async () => {
    const result = await run(["start"], { ROUTES_DIR: "test/fixtures/routes/typo", PORT: "0" });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/invalid configuration/);
    expect(result.stderr).toMatch(/typo\/sources\.yaml:6:5 at sources\.acme: unknown key `evnet` — did you mean `event`\?/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses to start when a secret's variable is missing, naming it", async () => {
    const result = await run(["start"], {
      ROUTES_DIR: "routes",
      PORT: "0",
      TRACKTILE_WEBHOOK_SECRET: "",
      TRACKTIK_WEBHOOK_SECRET: "x",
      TRACKVIA_WEBHOOK_SECRET: "y",
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("environment variable TRACKTILE_WEBHOOK_SECRET is not set");
  });
});

describe("webhook-router start and send, as a user runs them", () => {
  let tap: QueueTap;
  let router: ChildProcess;
  let port: number;
  const dataDir = mkdtempSync(join(tmpdir(), "wr-cli-"));
  const env = () => ({
    ...EXAMPLE_SECRETS,
    AMQP_EXCHANGE: tap.exchange,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DATA_DIR: dataDir,
    QUEUE_PREFIX: `test.cli.${port}.`,
  });
  let output = "";

  beforeAll(async () => {
    tap = await tapExchange();
    port = 20_000 + Math.floor(Math.random() * 20_000);
    // The ingress role: this file is about the CLI, not about deliveries.
    router = spawn(process.execPath, [CLI, "start", "--role", "ingress"], { env: { ...process.env, ...env(), ENV_FILE: "" } });
    router.stdout!.on("data", (chunk: Buffer) => (output += chunk));
    router.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    for (let i = 0; i < 100; i += 1) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (ready?.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`router did not become ready:\n${output}`);
  });
  afterAll(async () => {
    if (router && router.exitCode === null) {
      router.kill("SIGTERM");
      await once(router, "exit");
    }
    await deleteRouteQueues(env().QUEUE_PREFIX, loadRoutes("routes", env()));
    await tap?.close();
  });

  it("send signs a fixture as Tracktile would and the event reaches the exchange", async () => {
    const result = await run(["send", "tracktile", "test/fixtures/tracktile/order.status.changed.json"], env());
    expect(result.stdout).toMatch(/^202 Accepted \{"id":"evt_ord_7f3a91"\}/);
    expect(result.code).toBe(0);
    const [message] = await tap.waitFor(1);
    expect(message!.fields.routingKey).toBe("tracktile.order.status.changed");
  });

  it("send --event names the event in the URL for senders whose body does not", async () => {
    const result = await run(["send", "tracktik", "test/fixtures/tracktik/employees.created.json", "--event", "entity:employees:created"], env());
    expect(result.code).toBe(0);
    await tap.waitFor(2);
    expect(tap.messages[1]!.fields.routingKey).toBe("tracktik.employees.created");
  });

  it("send exits 1 and prints the answer when the router refuses", async () => {
    const result = await run(
      ["send", "trackvia", "test/fixtures/trackvia/record.updated.json", "--url", `http://127.0.0.1:${port}/webhooks/unknown`],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^404/);
  });

  it("SIGTERM drains and exits 0, logging a clean shutdown", async () => {
    router.kill("SIGTERM");
    const [code] = await once(router, "exit");
    expect(code).toBe(0);
    expect(output).toMatch(/shut down cleanly/);
    expect(output).not.toContain(EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET);
  });
});
