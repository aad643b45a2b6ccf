import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, routeToSink, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

/** pino's number for warn (the harness logs with pino's default level format). */
const WARN = 40;

describe("alerts from a running router without SMTP_URL", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routeToSink(sink.url), { ALERT_DIGEST_WINDOW: "1h" });
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("a dead-lettered event → exactly one compact warn line: kind, route, event id, reason, error and the replay command", async () => {
    sink.failNext(1, 422, { error: "customer 58 does not exist" });
    await harness.post({ kind: "order.completed", id: "evt-log-1" });
    const alertLines = () => harness.router.logs.filter((line) => line.component === "alerts" && line.alert !== undefined);
    await eventually(() => alertLines().length > 0, 10_000, "the alert line");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alertLines()).toHaveLength(1);
    const [line] = alertLines();
    expect(line).toMatchObject({
      level: WARN,
      alert: "dead_lettered",
      route: "to-sink",
      destination: "sink",
      id: "evt-log-1",
      reason: "permanent",
      status: 422,
      replay: "webhook-router dlq replay --route to-sink --id evt-log-1",
      msg: "alert: 1 event dead-lettered on route to-sink",
    });
    expect(line?.error).toMatch(/customer 58 does not exist/);
    // Not the email: no body, and no value that spans lines.
    expect(line).not.toHaveProperty("text");
    expect(JSON.stringify(line)).not.toContain("\\n");
  });
});
