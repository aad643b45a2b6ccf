import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness, routeToSink } from "../helpers/worker-setup.js";

/** Reads one sample's value from the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.split(" ").at(-1));
  }
  return undefined;
}

describe("/metrics after a scripted scenario", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  let text: string;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routeToSink(sink.url));
    // 3 accepted and delivered, 1 rejected by the target (dead-lettered), 2 bad signatures, 1 unknown source.
    for (const id of ["m1", "m2", "m3"]) await harness.post({ kind: "thing.happened", id });
    await eventually(() => sink.records.length === 3, 5000, "three deliveries");
    sink.failNext(1, 422, { error: "nope" });
    await harness.post({ kind: "thing.happened", id: "m4" });
    await harness.nextIn(`${harness.prefix}to-sink.dead`);
    for (let i = 0; i < 2; i += 1) {
      await fetch(`${harness.router.url}/webhooks/app`, { method: "POST", headers: { "x-token": "wrong" }, body: "{}" });
    }
    await fetch(`${harness.router.url}/webhooks/random-${Date.now()}`, { method: "POST", body: "{}" });
    const response = await fetch(`${harness.router.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/text\/plain/);
    text = await response.text();
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("counts requests by source, status and reason, unknown sources under one label", () => {
    expect(sample(text, "webhook_router_requests_total", { source: "app", status: "202", reason: "accepted" })).toBe(4);
    expect(sample(text, "webhook_router_requests_total", { source: "app", status: "401", reason: "invalid_signature" })).toBe(2);
    expect(sample(text, "webhook_router_requests_total", { source: "unknown", status: "404" })).toBe(1);
    expect(text).not.toMatch(/random-/);
  });

  it("counts verification failures by reason", () => {
    expect(sample(text, "webhook_router_verification_failures_total", { source: "app", reason: "bad_signature" })).toBe(2);
  });

  it("has the ack latency histogram", () => {
    expect(sample(text, "webhook_router_ack_duration_seconds_count", { source: "app", status: "202" })).toBe(4);
  });

  it("counts deliveries, attempts, dead letters and target latency by route", () => {
    expect(sample(text, "webhook_router_deliveries_total", { route: "to-sink", outcome: "delivered" })).toBe(3);
    expect(sample(text, "webhook_router_deliveries_total", { route: "to-sink", outcome: "dead" })).toBe(1);
    expect(sample(text, "webhook_router_dead_lettered_total", { route: "to-sink", reason: "permanent" })).toBe(1);
    expect(sample(text, "webhook_router_delivery_attempts_total", { route: "to-sink" })).toBe(4);
    expect(sample(text, "webhook_router_target_duration_seconds_count", { route: "to-sink", outcome: "delivered" })).toBe(3);
  });

  it("reports the dead-letter queue's depth from the broker and the spool's depth", () => {
    expect(sample(text, "webhook_router_dead_letter_depth", { route: "to-sink" })).toBe(0); // nextIn took it
    expect(sample(text, "webhook_router_spool_events", {})).toBe(0);
  });

  it("keeps prom-client's process and Node.js metrics under the standard names dashboards expect", () => {
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).not.toMatch(/^webhook_router_(process|nodejs)_/m);
  });
});
