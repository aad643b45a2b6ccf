import { EventEmitter } from "node:events";
import type { ChannelModel } from "amqplib";

export interface FailoverOptions {
  /** The nodes, in the order to try them (broker-urls.ts's nodeOrder); one for a single broker. */
  readonly urls: readonly string[];
  /** Opens a plain connection to one node (broker/connection.ts's openConnection). */
  readonly open: (url: string) => Promise<ChannelModel>;
  /** Runs after every (re)connect, before the connection counts as up: topology, channels, consumers. */
  readonly setup: (model: ChannelModel) => Promise<void>;
  /** How long to wait before failed attempt number `attempt` (1, 2, …) is followed by the next. */
  readonly delay: (attempt: number) => number;
}

/**
 * A connection that recovers by itself and moves on to the next node each time the one it has is
 * lost or an attempt fails: amqplib's own recovery retries the one URL it was given, so the nodes
 * of a cluster (AMQP_URL naming several) need a loop of our own around plain connections.
 * Returns at once; the first attempt runs on the next tick, after listeners are attached.
 *
 * Events, each with the node's URL last: `connect` (model, url), `disconnect` (error, url),
 * `connect-failed` (error, url), `reconnect-scheduled` ({ attempt, delay, url }); and from the
 * live connection `blocked`, `unblocked`, `error`, `handler-error`.
 */
export class FailoverConnection extends EventEmitter {
  #next = 0;
  #attempt = 0;
  #model: ChannelModel | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: FailoverOptions) {
    super();
    if (options.urls.length === 0) throw new Error("no broker URL to connect to");
    setImmediate(() => void this.#connect());
  }

  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const model = this.#model;
    this.#model = undefined;
    await model?.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const { urls } = this.options;
    const url = urls[this.#next]!;
    // Round-robin: whatever happens to this node, the next attempt dials the one after it.
    this.#next = (this.#next + 1) % urls.length;
    let model: ChannelModel | undefined;
    let lostDuringSetup: Error | undefined;
    try {
      model = await this.options.open(url);
      const opened = model;
      // Listen before setup: a node dying mid-setup must neither crash the process (an 'error'
      // nobody hears) nor leave a dead connection counted as up.
      this.#bind(opened, url, (error) => {
        if (this.#model === opened) this.#lost(error, url);
        else lostDuringSetup ??= error;
      });
      await this.options.setup(opened);
      if (lostDuringSetup) throw lostDuringSetup;
      if (this.#stopped) {
        await opened.close().catch(() => {});
        return;
      }
      this.#model = opened;
      this.#attempt = 0;
      this.emit("connect", opened, url);
    } catch (error) {
      await model?.close().catch(() => {});
      if (this.#stopped) return;
      this.emit("connect-failed", asError(error), url);
      this.#schedule();
    }
  }

  #bind(model: ChannelModel, url: string, onClose: (error: Error) => void): void {
    model.on("close", (error?: Error) => onClose(error ?? new Error("connection closed")));
    model.on("error", (error: Error) => {
      if (this.#model === model) this.emit("error", error, url);
    });
    model.on("blocked", (reason: string) => this.emit("blocked", reason, url));
    model.on("unblocked", () => this.emit("unblocked", url));
    model.on("handler-error", (error: Error, event: string) => this.emit("handler-error", error, event));
  }

  #lost(error: Error, url: string): void {
    this.#model = undefined;
    if (this.#stopped) return;
    this.emit("disconnect", error, url);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    this.#attempt += 1;
    const delay = this.options.delay(this.#attempt);
    this.emit("reconnect-scheduled", { attempt: this.#attempt, delay, url: this.options.urls[this.#next] });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delay);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
