import { describe, expect, it } from "vitest";
import { brokerAddress } from "../../../src/broker/broker-failure.js";
import { brokerEnvSchema } from "../../../src/broker/broker-env.js";
import { badBrokerUrls, brokerUrls, nodeOrder } from "../../../src/broker/broker-urls.js";
import { redactUrl } from "../../../src/config/env.js";

const THREE = "amqp://u:p1@mq1:5672,amqp://u:p2@mq2:5672,amqps://v:p3@mq3:5671/prod";

describe("AMQP_URL naming several nodes", () => {
  it("reads one URL as a list of one, exactly as written", () => {
    expect(brokerUrls("amqp://guest:guest@127.0.0.1:5672")).toEqual(["amqp://guest:guest@127.0.0.1:5672"]);
    expect(brokerUrls("amqp://localhost?heartbeat=5")).toEqual(["amqp://localhost?heartbeat=5"]);
  });

  it("splits a comma-separated list, spaces around the commas allowed", () => {
    expect(brokerUrls(THREE)).toEqual(["amqp://u:p1@mq1:5672", "amqp://u:p2@mq2:5672", "amqps://v:p3@mq3:5671/prod"]);
    expect(brokerUrls("amqp://mq1 , amqp://mq2")).toEqual(["amqp://mq1", "amqp://mq2"]);
  });

  it("keeps a comma inside a password: only a comma before a scheme separates", () => {
    expect(brokerUrls("amqp://u:pa,ss@mq1:5672")).toEqual(["amqp://u:pa,ss@mq1:5672"]);
    expect(brokerUrls("amqp://u:pa,ss@mq1,amqp://u:pa,ss@mq2")).toEqual(["amqp://u:pa,ss@mq1", "amqp://u:pa,ss@mq2"]);
  });

  it("accepts every item that is amqp:// or amqps://, and names the others", () => {
    expect(badBrokerUrls(THREE)).toEqual([]);
    expect(badBrokerUrls("amqp://mq1,http://mq2")).toEqual(["http://mq2"]);
    expect(brokerEnvSchema.safeParse({ AMQP_URL: THREE }).success).toBe(true);
    const bad = brokerEnvSchema.safeParse({ AMQP_URL: "amqp://mq1,https://mq2" });
    expect(bad.error?.issues[0]?.message).toBe("expected an amqp:// or amqps:// URL, or several separated by commas");
    expect(brokerEnvSchema.safeParse({ AMQP_URL: "rabbit:5672" }).success).toBe(false);
  });

  it("redacts every password in logs, and names each node by user and host", () => {
    expect(redactUrl(THREE)).toBe("amqp://u:***@mq1:5672,amqp://u:***@mq2:5672,amqps://v:***@mq3:5671/prod");
    expect(redactUrl("amqp://mq1,amqp://u:secret@mq2")).toBe("amqp://mq1,amqp://u:***@mq2");
    expect(brokerAddress(THREE)).toBe("amqp://u@mq1:5672, amqp://u@mq2:5672, amqps://v@mq3:5671/prod");
    expect(brokerAddress("amqp://guest:guest@127.0.0.1:5672")).toBe("amqp://guest@127.0.0.1:5672");
  });
});

describe("the order a connection tries the nodes in", () => {
  const urls = ["a", "b", "c"];

  it("holds every node once", () => {
    for (let seed = 0; seed < 20; seed += 1) expect(nodeOrder(urls, seeded(seed)).toSorted()).toEqual(urls);
  });

  it("starts at each node about as often, so replicas spread over the cluster", () => {
    const random = seeded(42);
    const first = new Map<string, number>();
    for (let i = 0; i < 3000; i += 1) {
      const node = nodeOrder(urls, random)[0]!;
      first.set(node, (first.get(node) ?? 0) + 1);
    }
    for (const url of urls) expect(first.get(url)).toBeGreaterThan(850);
  });

  it("leaves a single URL alone", () => {
    expect(nodeOrder(["only"])).toEqual(["only"]);
  });
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
