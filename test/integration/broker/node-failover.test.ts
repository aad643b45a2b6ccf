import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerConnectError } from "../../../src/broker/broker-failure.js";
import { connectBroker, connectOnce, type BrokerConnection } from "../../../src/broker/connection.js";
import { AMQP_URL, refusedBroker } from "../../helpers/rabbit.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

/**
 * Two "nodes" that are two proxies in front of the shared broker: cutting one is a node lost
 * (the real three-node cluster is in cluster-failover.test.ts). Cheap enough to run everywhere.
 */
describe("a connection given several broker URLs", () => {
  const proxies: TcpProxy[] = [];
  let connection: BrokerConnection | undefined;
  afterEach(async () => {
    await connection?.close();
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  async function nodes(count: number): Promise<TcpProxy[]> {
    const started = Array.from({ length: count }, () => new TcpProxy());
    await Promise.all(started.map((proxy) => proxy.start()));
    proxies.push(...started);
    return started;
  }

  it("moves to the other node when the one it is on is lost, and runs setup there again", async () => {
    const [a, b] = await nodes(2);
    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line));
        done();
      },
    });
    let setups = 0;
    let disconnects = 0;
    connection = await connectBroker({
      url: `${a!.url(AMQP_URL)},${b!.url(AMQP_URL)}`,
      name: "test failover",
      logger: pino({ level: "debug" }, sink),
      setup: async (model) => {
        const channel = await model.createChannel();
        await channel.checkExchange("amq.topic");
        setups += 1;
      },
      onDisconnect: () => (disconnects += 1),
    });
    const connects = () => logs.filter((line) => line.msg === "connected to the broker");
    await until(() => connects().length === 1);
    const first = String(connects()[0]!.broker);
    const [on, other] = first.includes(`:${a!.port}`) ? [a!, b!] : [b!, a!];
    expect(first).not.toContain(":guest@"); // the password is redacted

    const cutAt = Date.now();
    on.cut();
    await until(() => connects().length === 2);
    const resumedMs = Date.now() - cutAt;
    expect(String(connects()[1]!.broker)).toContain(`:${other.port}`);
    expect(setups).toBe(2);
    expect(disconnects).toBe(1);
    expect(resumedMs).toBeLessThan(2000); // one backoff step (~200 ms), not the node's return
    expect(logs.find((line) => line.msg === "lost the broker connection; reconnecting")?.broker).toContain(`:${on.port}`);
  });

  it("keeps trying every node while none answers, and connects when one is back", async () => {
    const [a, b] = await nodes(2);
    a!.cut();
    b!.cut();
    let connected = false;
    connection = await connectBroker({
      url: `${a!.url(AMQP_URL)},${b!.url(AMQP_URL)}`,
      name: "test failover",
      logger: pino({ level: "silent" }),
      setup: async () => {
        connected = true;
      },
      onDisconnect: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(connected).toBe(false);
    b!.restore();
    await until(() => connected, 5000);
  });

  it("opens one-off connections (CLI, dead-letter walks) at the first node that answers", async () => {
    const [down] = await nodes(1);
    down!.cut();
    const model = await connectOnce(`${down!.url(AMQP_URL)},${AMQP_URL}`, "test once");
    await model.close();
  });

  it("reports a refusal rather than a node that is down when none lets it in", async () => {
    const [down] = await nodes(1);
    down!.cut();
    const refused = refusedBroker();
    const error = await connectOnce(`${down!.url(AMQP_URL)},${refused.url}`, "test once").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerConnectError);
    expect((error as BrokerConnectError).failure.kind).toBe("refused_credentials");
    expect((error as Error).message).not.toContain(refused.password);
  });
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
