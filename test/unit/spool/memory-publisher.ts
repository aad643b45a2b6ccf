import { BrokerUnavailableError } from "../../../src/broker/broker-errors.js";
import type { EventPublisher, PublishableEvent } from "../../../src/broker/event-publisher.js";

/**
 * The broker side of the ingress sink, in memory: connected or not, confirming at once, failing
 * every publish with `failing`, or holding each confirm until `release` while `holding`.
 */
export class MemoryPublisher implements EventPublisher {
  connected = true;
  failing: BrokerUnavailableError["reason"] | undefined;
  holding = false;
  closed = false;
  /** Ids in the order the broker confirmed them, and the timeout each publish was given. */
  readonly confirmed: string[] = [];
  readonly timeouts: Array<number | undefined> = [];
  #held: Array<() => void> = [];

  async publish(event: PublishableEvent, timeoutMs?: number): Promise<void> {
    this.timeouts.push(timeoutMs);
    if (!this.connected) throw new BrokerUnavailableError("not connected to the broker", "not_connected");
    if (this.failing) throw new BrokerUnavailableError(`the broker failed: ${this.failing}`, this.failing);
    if (this.holding) await new Promise<void>((resolve) => this.#held.push(resolve));
    this.confirmed.push(event.id);
  }

  /** Confirms every publish held so far. */
  release(): void {
    this.holding = false;
    for (const confirm of this.#held.splice(0)) confirm();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
