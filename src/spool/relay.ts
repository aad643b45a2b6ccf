import type { Logger } from "pino";
import { retryDelay } from "./retry-delay.js";
import type { Spool } from "./spool.js";
import type { SpooledEvent } from "./spool-entry.js";
import { withinMs } from "./within-ms.js";

export interface RelayOptions {
  readonly spool: Spool;
  /** Publishes one event; resolves on the broker's confirm, rejects on anything else. */
  readonly publish: (event: SpooledEvent) => Promise<void>;
  readonly isConnected: () => boolean;
  readonly logger: Logger;
  /** Events published per round, their confirms outstanding together. */
  readonly window: number;
  /** A round also stops adding events past this many body bytes (at least one is sent). */
  readonly windowBytes: number;
  /** Called when a round leaves the spool empty: the ingress may publish directly again. */
  readonly onDrained: () => void;
}

/**
 * Drains the spool to the broker in arrival order: publishes the oldest `window` events, waits
 * for their confirms, deletes the confirmed prefix, repeats. On the first failure it deletes only
 * what was confirmed before it and backs off; what was confirmed after it stays and is sent again
 * (a duplicate, never a gap), so the last copy of every event still arrives in spool order.
 */
export class Relay {
  #stopped = false;
  #loop: Promise<void> | undefined;
  #failures = 0;
  /** The end of a prefix the broker confirmed but the spool failed to delete (a full disk, say). */
  #undeleted: number | undefined;
  /** Set while the loop waits; `forData` says whether a newly spooled event may end the wait. */
  #waiting: { wake: () => void; forData: boolean } | undefined;

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  /** The broker connected: stop waiting, even in the middle of a backoff. */
  reconnected(): void {
    this.#failures = 0;
    this.#waiting?.wake();
  }

  /** An event was spooled: start draining if idle (a backoff keeps running). */
  spooled(): void {
    if (this.#waiting?.forData) this.#waiting.wake();
  }

  /** Stops after the round in flight (waiting at most `ms` for its confirms). */
  async stop(ms: number): Promise<void> {
    this.#stopped = true;
    this.#waiting?.wake();
    if (this.#loop) await withinMs(this.#loop, ms);
  }

  async #run(): Promise<void> {
    const { spool, logger } = this.options;
    while (!this.#stopped) {
      if (!this.options.isConnected() || spool.isEmpty) {
        await this.#wait(Infinity, true);
        continue;
      }
      let delivered: boolean;
      try {
        delivered = await this.#round();
      } catch (error) {
        logger.error({ err: error }, "spool relay failed; retrying");
        delivered = false;
      }
      if (delivered) {
        this.#failures = 0;
        continue;
      }
      this.#failures += 1;
      await this.#wait(retryDelay(this.#failures), false);
    }
  }

  /** One window: true when everything in it was confirmed (or nothing was committed yet). */
  async #round(): Promise<boolean> {
    const { spool, logger } = this.options;
    // Retry a failed delete before publishing anything: sending that prefix again would only
    // make duplicates, and a delete that keeps failing backs off here.
    if (this.#undeleted !== undefined) this.#deleteThrough(this.#undeleted);
    const batch = spool.peek(this.options.window, this.options.windowBytes);
    if (batch.length === 0) {
      // Appends queued for the next group commit: nothing to read until it lands.
      await this.#wait(Infinity, true);
      return true;
    }
    const results = await Promise.allSettled(batch.map((event) => this.options.publish(event)));
    if (this.#stopped && !spool.isOpen) return false;
    const failed = results.findIndex((result) => result.status === "rejected");
    const confirmed = failed === -1 ? batch.length : failed;
    if (confirmed > 0) this.#deleteThrough(batch[confirmed - 1]!.seq);
    const left = spool.depth().count;
    if (failed !== -1) {
      const reason = (results[failed] as PromiseRejectedResult).reason as Error;
      logger.warn(
        { relayed: confirmed, unconfirmed: batch.length - confirmed, left, attempt: this.#failures + 1, err: reason.message },
        "spool relay: the broker did not confirm; backing off",
      );
      return false;
    }
    logger.debug({ relayed: confirmed, left }, "spool relay: window confirmed");
    if (spool.isEmpty) this.options.onDrained();
    return true;
  }

  #deleteThrough(seq: number): void {
    this.#undeleted = seq;
    this.options.spool.deleteThrough(seq);
    this.#undeleted = undefined;
  }

  #wait(ms: number, forData: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => wake(), ms) : undefined;
      const wake = () => {
        clearTimeout(timer);
        this.#waiting = undefined;
        resolve();
      };
      this.#waiting = { wake, forData };
    });
  }
}
