import { BrokerUnavailableError } from "./broker-errors.js";

/**
 * What ConfirmPublisher needs of a confirm channel: send one message and call `confirmed` once —
 * with nothing when the broker confirmed it, with an error on a nack or when the channel closed
 * first (its message then says "closed", as amqplib's does). Throws when the channel is already
 * closed. event-publisher.ts makes one over each amqplib channel.
 */
export type ConfirmSender<M> = (message: M, confirmed: (error: unknown) => void) => void;

/**
 * Publishes on one shared confirm channel with many confirms in flight: each publish resolves
 * when the broker has confirmed that message (persisted, for a durable queue), and rejects on a
 * nack, a closed channel, or no confirm within `timeoutMs`. A channel per request would cost a
 * round trip each; waitForConfirms would couple unrelated requests to each other's fate.
 */
export class ConfirmPublisher<M> {
  #send: ConfirmSender<M> | undefined;
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(
    private readonly timeoutMs: number,
    /** Told of each nack that settles a publish (the publisher renews its channel on it). */
    private readonly onNack?: () => void,
  ) {}

  /** Called with each new channel's sender after a (re)connect, and with undefined when it is gone. */
  attach(send: ConfirmSender<M> | undefined): void {
    this.#send = send;
  }

  get connected(): boolean {
    return this.#send !== undefined;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** `timeoutMs` overrides the default wait for this message's confirm (the spool relay waits longer). */
  publish(message: M, timeoutMs = this.timeoutMs): Promise<void> {
    const send = this.#send;
    if (!send) return Promise.reject(new BrokerUnavailableError("not connected to the broker", "not_connected"));
    this.#inFlight += 1;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight -= 1;
        if (this.#inFlight === 0) this.#idleWaiters.splice(0).forEach((wake) => wake());
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(new BrokerUnavailableError(`no confirm from the broker within ${timeoutMs} ms`, "timeout")), timeoutMs);
      try {
        // However long the confirm takes to come back (or if it never does), the timeout bounds the wait.
        send(message, (error) => {
          if (!error) return settle();
          const closed = error instanceof Error && /closed/i.test(error.message);
          if (!closed && !settled) this.onNack?.();
          settle(
            closed
              ? new BrokerUnavailableError("the channel closed before the broker confirmed", "channel_closed")
              : new BrokerUnavailableError("the broker refused the message (nack)", "nacked"),
          );
        });
      } catch (error) {
        // A channel already closed throws at once (amqplib's does).
        settle(new BrokerUnavailableError(`publish failed: ${(error as Error).message}`, "channel_closed"));
      }
    });
  }

  /** Resolves once every publish in flight has been confirmed or has failed, or after `ms`. */
  async settled(ms: number): Promise<void> {
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
