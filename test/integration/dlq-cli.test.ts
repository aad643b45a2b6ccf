import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness, routeToSink } from "../helpers/worker-setup.js";

const run = promisify(execFile);

describe("webhook-router dlq, as an operator uses it after an outage", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const command = (...args: string[]) =>
    run(process.execPath, ["dist/cli/main.js", ...args], {
      env: {
        ...process.env,
        ENV_FILE: "",
        ROUTES_DIR: harness.routesDir,
        AMQP_EXCHANGE: harness.exchange,
        QUEUE_PREFIX: harness.prefix,
        DATA_DIR: harness.dataDir,
        DATABASE_URL: "",
      },
    });
  const cli = (...args: string[]) => command("dlq", ...args);
  const deadDepth = async () => Number(/(\d+) dead-lettered/.exec((await cli("list", "--route", "to-sink")).stdout)?.[1]);

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routeToSink(sink.url));
    // The target is down: three events exhaust their two attempts.
    await sink.down();
    for (const id of ["dl-1", "dl-2", "dl-3"]) await harness.post({ kind: "thing.happened", id });
    await eventually(() => harness.router.logs.filter((line) => line.msg === "event dead-lettered").length === 3, 10_000, "three dead letters");
    await sink.up();
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("list shows each dead letter with its id, reason, attempts and error", async () => {
    const { stdout } = await cli("list", "--route", "to-sink");
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^to-sink {2}dl-1 {2}exhausted {2}- {2}attempts=2 {2}\S+ {2}.*ECONNREFUSED/);
    expect(lines.at(-1)).toBe("3 dead-lettered event(s)");
  });

  it("listing twice changes nothing (messages are put back in order, never requeued)", async () => {
    const first = (await cli("list")).stdout;
    const second = (await cli("list")).stdout;
    expect(second).toBe(first);
  });

  it("replay --dry-run says what it would do and does nothing", async () => {
    const { stdout } = await cli("replay", "--route", "to-sink", "--id", "dl-2", "--dry-run");
    expect(stdout).toMatch(/dl-2/);
    expect(stdout).toMatch(/dry run: 1 event\(s\) would be replayed/);
    expect(await deadDepth()).toBe(3);
    expect(sink.records).toHaveLength(0);
  });

  it("replay by id sends one event back to its route, and it is delivered", async () => {
    const { stdout } = await cli("replay", "--route", "to-sink", "--id", "dl-2");
    expect(stdout).toMatch(/replayed 1 event\(s\)/);
    await eventually(() => sink.records.length === 1, 5000, "the replayed delivery");
    expect(sink.records[0]!.idempotencyKey).toBe("dl-2");
    expect(await deadDepth()).toBe(2);
  });

  it("records the replay in the delivery log: the journey shows the dead letter, the replay, then attempt #1 delivered", async () => {
    const journey = async () => (await command("events", "--id", "dl-2")).stdout;
    for (let waited = 0; !(await journey()).includes("route to-sink: delivered (attempt 1"); waited += 100) {
      if (waited > 5000) throw new Error(`dl-2 not delivered in the log:\n${await journey()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const history = (await journey())
      .split("\n")
      .filter((line) => line.startsWith("  "))
      .map((line) => line.trim().split(/\s+/))
      .map(([attempt, , outcome]) => `${attempt} ${outcome}`);
    expect(history).toEqual(["#1 retry", "#2 dead", "↻ replayed", "#1 delivered"]);
  });

  it("purge by id drops one for good; purge without --route or --id is refused", async () => {
    await expect(cli("purge")).rejects.toMatchObject({ stderr: expect.stringMatching(/purge needs --route or --id/) });
    expect((await cli("purge", "--route", "to-sink", "--id", "dl-3")).stdout).toMatch(/purged 1 event\(s\)/);
    expect(await deadDepth()).toBe(1);
  });

  it("replay of everything left delivers it once the target is healthy", async () => {
    await cli("replay", "--route", "to-sink");
    await eventually(() => sink.records.length === 2, 5000, "the bulk replay");
    expect(sink.records.map((record) => record.idempotencyKey).sort()).toEqual(["dl-1", "dl-2"]);
    expect(await deadDepth()).toBe(0);
  });
});
