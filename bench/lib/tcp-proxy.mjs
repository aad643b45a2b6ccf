// A TCP proxy between the router and RabbitMQ that breaks the link on demand, so tests and the
// fault harness can cut, stall or slow "the network" without touching the shared broker.
// Plain JavaScript so that bench/fault-harness.mjs runs it directly; test/helpers/tcp-proxy.ts
// re-exports it with types (tcp-proxy.d.mts).
import net from "node:net";

export class TcpProxy {
  #target;
  #server = net.createServer((client) => this.#accept(client));
  /** @type {Set<{ client: net.Socket, upstream: net.Socket, toUpstream: Lane, toClient: Lane }>} */
  #links = new Set();
  #refusing = false;
  #paused = false;
  #delayMs = 0;
  #accepted = 0;

  /** @param {{ host?: string, port?: number }} [target] where RabbitMQ listens */
  constructor(target = {}) {
    this.#target = { host: target.host ?? "127.0.0.1", port: target.port ?? 5672 };
  }

  /** Listens on a free loopback port (or `port`); resolves with it. */
  async start(port = 0) {
    await new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => resolve(undefined));
    });
    return this.port;
  }

  get port() {
    return /** @type {net.AddressInfo} */ (this.#server.address()).port;
  }

  /** `amqpUrl` pointed at the proxy instead of the broker. */
  url(amqpUrl = "amqp://guest:guest@127.0.0.1:5672") {
    const url = new URL(amqpUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  /** A network cut: every open link dies, and new connections are closed as soon as they open. */
  cut() {
    this.#refusing = true;
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.#links.clear();
  }

  restore() {
    this.#refusing = false;
  }

  /** A hung broker: links stay open but nothing moves either way until `resume`. */
  pause() {
    this.#paused = true;
  }

  resume() {
    this.#paused = false;
    for (const link of this.#links) {
      link.toUpstream.flush();
      link.toClient.flush();
    }
  }

  /** A slow broker: everything it sends (confirms included) arrives `ms` later, still in order. */
  delay(ms) {
    this.#delayMs = ms;
  }

  get connections() {
    return this.#links.size;
  }

  /** Connections accepted since the start, cut ones included: whether a client ever connected. */
  get accepted() {
    return this.#accepted;
  }

  async close() {
    this.cut();
    await new Promise((resolve) => this.#server.close(() => resolve(undefined)));
  }

  /** @param {net.Socket} client */
  #accept(client) {
    this.#accepted += 1;
    client.on("error", () => {});
    if (this.#refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.#target.port, this.#target.host);
    upstream.on("error", () => {});
    const link = {
      client,
      upstream,
      toUpstream: new Lane(
        upstream,
        () => this.#paused,
        () => 0,
      ),
      toClient: new Lane(
        client,
        () => this.#paused,
        () => this.#delayMs,
      ),
    };
    this.#links.add(link);
    client.on("data", (chunk) => link.toUpstream.push(chunk));
    upstream.on("data", (chunk) => link.toClient.push(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      link.toUpstream.drop();
      link.toClient.drop();
      this.#links.delete(link);
    };
    client.on("close", end);
    upstream.on("close", end);
  }
}

/** One direction of a link: chunks wait here while paused or until their delay has passed. */
class Lane {
  /** @type {Array<{ chunk: Buffer, due: number }>} */
  #queue = [];
  /** @type {NodeJS.Timeout | undefined} */
  #timer;

  /**
   * @param {net.Socket} to
   * @param {() => boolean} paused
   * @param {() => number} delayMs
   */
  constructor(to, paused, delayMs) {
    this.to = to;
    this.paused = paused;
    this.delayMs = delayMs;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    this.#queue.push({ chunk, due: Date.now() + this.delayMs() });
    this.flush();
  }

  flush() {
    if (this.paused() || this.#timer) return;
    const now = Date.now();
    while (this.#queue.length > 0 && this.#queue[0].due <= now) {
      const next = /** @type {{ chunk: Buffer }} */ (this.#queue.shift());
      if (!this.to.destroyed) this.to.write(next.chunk);
    }
    if (this.#queue.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#queue[0].due - now);
  }

  drop() {
    clearTimeout(this.#timer);
    this.#queue = [];
  }
}
