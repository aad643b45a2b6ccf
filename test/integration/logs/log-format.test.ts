import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqplib from "amqplib";
import { afterAll, describe, expect, it } from "vitest";
import { post, signFor } from "../../helpers/post.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { deleteRouteQueues, EXAMPLE_SECRETS } from "../../helpers/router.js";
import { loadRoutes } from "../../../src/config/load-routes.js";

const order = readFileSync("test/fixtures/tracktile/order.status.changed.json", "utf8");
const exchange = `test.events.${randomUUID()}`;
// Ingress declares the route queues too: its own prefix keeps them apart from anyone else's.
const prefix = `test.${randomUUID().slice(0, 8)}.`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  /** The signature headers the webhook was posted with. */
  readonly signature: Record<string, string>;
}

/**
 * The built router, ingress only (no route queue is consumed), on a free port: posts one signed
 * webhook, then SIGTERM. Resolves with everything it wrote to stdout, which is a pipe, not a TTY.
 */
async function runIngress(env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ["dist/cli/main.js", "start", "--role", "ingress"], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      AMQP_URL,
      AMQP_EXCHANGE: exchange,
      QUEUE_PREFIX: prefix,
      ROUTES_DIR: "routes",
      ADMIN_PORT: "off",
      DATA_DIR: mkdtempSync(join(tmpdir(), "wr-logs-")),
      ...EXAMPLE_SECRETS,
      ...env,
      ENV_FILE: "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  const exited = once(child, "exit");
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    // Both formats show the start-up line's `port` as "port":N (pretty prints fields as JSON after the message).
    let port: string | undefined;
    while (port === undefined && child.exitCode === null) {
      port = /"port":(\d+)/.exec(stdout)?.[1];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const signature = signFor("tracktile", order);
    const answer = await post(`http://127.0.0.1:${port}/webhooks/tracktile`, order, { "content-type": "application/json", ...signature });
    expect(answer.status).toBe(202);
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    return { code, stdout, signature };
  } finally {
    clearTimeout(killer);
    child.kill("SIGKILL");
  }
}

afterAll(async () => {
  await deleteRouteQueues(prefix, loadRoutes("routes", { ...process.env, ...EXAMPLE_SECRETS }));
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteExchange(exchange);
  await connection.close();
});

describe("LOG_FORMAT", () => {
  it("pretty writes one readable line per entry, with the message and key fields, and no secrets", async () => {
    const run = await runIngress({ LOG_FORMAT: "pretty", LOG_LEVEL: "info" });
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n").filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line)).toThrow();
    const accepted = lines.find((line) => line.includes("evt_ord_7f3a91"));
    expect(accepted).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: /);
    expect(accepted).toContain('"source":"tracktile"');
    expect(accepted).toContain('"status":202');
    // The worker thread that formats the lines is flushed on exit: the last line is not lost.
    expect(lines.at(-1)).toMatch(/INFO: shut down cleanly/);
    for (const secret of [...Object.values(EXAMPLE_SECRETS).filter((v) => v.includes("secret")), ...Object.values(run.signature)]) {
      expect(run.stdout).not.toContain(secret);
    }
    expect(run.stdout).not.toContain("guest:guest");
  });

  it("pretty still redacts secrets that slip into a log object", async () => {
    // The project's logger from the build, as the router makes it, writing to a pipe.
    const script = `
      import { createLogger } from "./dist/ops/logger.js";
      createLogger({ level: "info", format: "pretty" }).warn({ config: { password: "hunter2", apiKey: "k-123" } }, "with a config attached");
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    await once(child, "exit");
    expect(stdout).toMatch(/WARN: with a config attached .*"password":"\[redacted\]"/);
    expect(stdout).not.toContain("hunter2");
    expect(stdout).not.toContain("k-123");
  });

  it("stays JSON by default when stdout is not a terminal", async () => {
    const run = await runIngress({ LOG_LEVEL: "info" });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.id === "evt_ord_7f3a91")).toMatchObject({ level: "info", source: "tracktile", status: 202 });
  });
});
