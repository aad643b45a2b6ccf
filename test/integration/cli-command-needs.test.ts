import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import amqplib from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStateDb } from "../../src/state/state-db.js";
import { AMQP_URL } from "../helpers/rabbit.js";

const run = promisify(execFile);

// What an operator's shell often has: none of the webhook secrets, and a setting meant for the
// router (here a PORT it cannot parse) that these commands never use.
const OPERATOR_SHELL = { PATH: process.env.PATH, ENV_FILE: "", AMQP_URL, PORT: "eighty", ADMIN_TOKEN: "short" };

function cli(env: Record<string, string | undefined>, ...args: string[]) {
  return run(process.execPath, ["dist/cli/main.js", ...args], { env: { ...OPERATOR_SHELL, ...env }, timeout: 20_000 }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("operator commands need only what they use", () => {
  const prefix = `wr-needs-${process.pid}.`;
  const routesDir = mkdtempSync(join(tmpdir(), "wr-needs-routes-"));
  const dataDir = mkdtempSync(join(tmpdir(), "wr-needs-data-"));
  let connection: amqplib.ChannelModel;

  beforeAll(async () => {
    // A routing table the router itself would refuse (a misspelt key, an unset secret): dlq
    // needs only its route ids.
    writeFileSync(
      join(routesDir, "routes.yaml"),
      [
        "sources:",
        "  app:",
        '    verify: { preset: github, secret: "${APP_WEBHOOK_SECRET}" }',
        "    evnet: { type: url }",
        "destinations:",
        "  sink: { kind: http, url: http://127.0.0.1:9/in }",
        "routes:",
        "  r: { events: app.#, destination: sink }",
        "",
      ].join("\n"),
    );
    // One dead letter in the route's dead-letter queue, as a worker leaves it (a classic queue:
    // the test owns it and deletes it).
    connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(`${prefix}r.dead`, { durable: false });
    channel.sendToQueue(`${prefix}r.dead`, Buffer.from("{}"), {
      messageId: "evt-needs-1",
      headers: { "x-error-kind": "permanent", "x-error": "422 from the sink", "x-attempts": 1 },
    });
    await channel.waitForConfirms();
    await channel.close();
    (await openStateDb({ dataDir })).destroy();
  });
  afterAll(async () => {
    const channel = await connection?.createChannel();
    await channel?.deleteQueue(`${prefix}r.dead`).catch(() => {});
    await connection?.close();
  });

  it("events reads the delivery log with no webhook secrets set and a PORT it never uses being wrong", async () => {
    const result = await cli({ DATA_DIR: dataDir }, "events");
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ code: 0, stdout: "0 event(s)\n" });
  });

  it("dlq list lists dead letters from route ids alone: no secrets, and a routing table start would refuse", async () => {
    const result = await cli({ ROUTES_DIR: routesDir, QUEUE_PREFIX: prefix, DATA_DIR: dataDir }, "dlq", "list");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^r {2}evt-needs-1 {2}permanent {2}- {2}attempts=1 {2}- {2}422 from the sink\n1 dead-lettered event\(s\)\n$/);
  });

  it("tail listens with no secrets set and a PORT it never uses being wrong", async () => {
    const child = spawn(process.execPath, ["dist/cli/main.js", "tail", "app.#"], { env: { ...OPERATOR_SHELL, AMQP_EXCHANGE: `${prefix}events` } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const listening = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes("# listening")) resolve();
      }),
    );
    const exited = once(child, "exit");
    await Promise.race([listening, exited.then(() => Promise.reject(new Error(`tail exited: ${stderr}`)))]);
    child.kill("SIGINT");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# listening on exchange "wr-needs-\d+\.events" at amqp:\/\/\S+ for "app\.#"/);
    const channel = await connection.createChannel();
    await channel.deleteExchange(`${prefix}events`);
    await channel.close();
  });

  it("events without a state store says in one line what is missing and what events needs", async () => {
    const result = await cli({ DATA_DIR: join(dataDir, "elsewhere") }, "events");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `webhook-router events: no state store at ${join(dataDir, "elsewhere", "state.sqlite")} (DATA_DIR) and no DATABASE_URL: run this where the router keeps its data, or set them ` +
        "(events reads the delivery log: it needs the state store (DATA_DIR's state.sqlite, or DATABASE_URL) only, not RabbitMQ, the routes or their secrets)\n",
    );
  });

  it("dlq with a routes file it cannot read names the file and what dlq needs from it", async () => {
    const result = await cli({ ROUTES_DIR: "test/fixtures/routes/bad-yaml" }, "dlq", "list");
    expect(result.code).toBe(78);
    const [first, ...rest] = result.stderr.trimEnd().split("\n");
    expect(first).toBe(
      "webhook-router dlq: invalid configuration (1 problem): (dlq walks each route's dead-letter queue: it needs RabbitMQ (AMQP_URL), the route ids in ROUTES_DIR and, to record replays, the state store; not the routes' secrets)",
    );
    expect(rest).toEqual([expect.stringMatching(/^ {2}test\/fixtures\/routes\/bad-yaml\/sources\.yaml:\d+:\d+: YAML: /)]);
  });
});
