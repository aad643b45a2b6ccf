// The bench's own RabbitMQ objects: one exchange per purpose, the bench route's queues (declared
// with the router's own code, see scenarios.mjs), and clean-up of all of them. Names carry the run
// id, so a run never touches anything it did not create.
import amqplib from "amqplib";
import { cloudEventOf, orderBody, ROUTING_KEY } from "./payloads.mjs";

export class BenchBroker {
  #exchanges = new Set();
  #queues = new Set();

  static async connect(url) {
    const broker = new BenchBroker();
    broker.url = url;
    broker.connection = await amqplib.connect(url);
    broker.channel = await broker.connection.createConfirmChannel();
    broker.connection.on("error", () => {});
    broker.channel.on("error", () => {});
    return broker;
  }

  async exchange(name) {
    await this.channel.assertExchange(name, "topic", { durable: true });
    this.#exchanges.add(name);
    return name;
  }

  /** Deletes queues now (a fresh start for the next server), remembering nothing. */
  async deleteQueues(names) {
    for (const name of names) await this.channel.deleteQueue(name).catch(() => {});
  }

  /** Messages ready in a queue (quorum queues count ready ones only). */
  async depth(name) {
    return (await this.channel.checkQueue(name)).messageCount;
  }

  /** Remembers queues declared elsewhere (the route's topology) for clean-up. */
  own(...names) {
    for (const name of names) this.#queues.add(name);
  }

  /**
   * Publishes `count` CloudEvents as the router's ingress would have (persistent, same properties),
   * keeping `window` confirms in flight. Resolves with the elapsed time.
   */
  async prefill({ exchange, count, bodyBytes, runId, window = 2000 }) {
    const started = performance.now();
    for (let sent = 0; sent < count; ) {
      const batch = Math.min(window, count - sent);
      for (let i = 0; i < batch; i += 1) {
        const n = sent + i;
        const body = orderBody(n, bodyBytes, runId);
        const { id, orderId } = JSON.parse(body.toString("utf8"));
        this.channel.publish(exchange, ROUTING_KEY, cloudEventOf(body, { id, orderId }), {
          persistent: true,
          messageId: id,
          type: ROUTING_KEY,
          contentType: "application/cloudevents+json",
          timestamp: Math.floor(Date.now() / 1000),
          appId: "webhook-router",
        });
      }
      await this.channel.waitForConfirms();
      sent += batch;
    }
    return (performance.now() - started) / 1000;
  }

  /**
   * Deletes everything this run declared, on a fresh channel, and on a fresh connection when the
   * broker closed the working one (it does on an internal error).
   */
  async cleanUp() {
    const problems = [];
    let channel;
    try {
      channel = await this.connection.createChannel();
    } catch {
      this.connection = await amqplib.connect(this.url);
      this.connection.on("error", () => {});
      channel = await this.connection.createChannel();
    }
    channel.on("error", () => {});
    for (const name of this.#queues) await channel.deleteQueue(name).catch((error) => problems.push(`${name}: ${error.message}`));
    for (const name of this.#exchanges) await channel.deleteExchange(name).catch((error) => problems.push(`${name}: ${error.message}`));
    await channel.close().catch(() => {});
    this.#queues.clear();
    this.#exchanges.clear();
    return problems;
  }

  async close() {
    await this.connection.close().catch(() => {});
  }
}
