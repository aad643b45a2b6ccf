import { describe, expect, it } from "vitest";
import { brokerUrls } from "../../../src/broker/broker-urls.js";
import { clusterNode, clusterUrls, missingServer, NODE_COUNT } from "../../../scripts/rabbit-cluster.mjs";

describe("scripts/rabbit-cluster.mjs", () => {
  it("says in one line what is missing when rabbitmq-server is not installed", () => {
    const line = missingServer({ PATH: "", TEST_SERVICES_EXTRA_PATH: "" });
    expect(line).toBe(
      "rabbitmq-server is not installed (not on PATH): install it with `sudo apt-get install -y rabbitmq-server` to run the three-node cluster",
    );
  });

  it("puts three nodes on ports of their own, never the shared broker's", () => {
    const nodes = Array.from({ length: NODE_COUNT }, (_, i) => clusterNode(i + 1, "/tmp/x"));
    expect(nodes.map((node) => node.name)).toEqual(["rc1@localhost", "rc2@localhost", "rc3@localhost"]);
    expect(nodes.map((node) => [node.port, node.distPort])).toEqual([
      [5681, 25681],
      [5682, 25682],
      [5683, 25683],
    ]);
    expect(new Set(nodes.map((node) => node.dir)).size).toBe(3);
  });

  it("prints an AMQP_URL the router reads as the three nodes", () => {
    expect(brokerUrls(clusterUrls("/tmp/x"))).toEqual([
      "amqp://guest:guest@127.0.0.1:5681",
      "amqp://guest:guest@127.0.0.1:5682",
      "amqp://guest:guest@127.0.0.1:5683",
    ]);
  });
});
