import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TargetLimits {
  /** Requests accepted in any window of `perMs` (a sliding window: the strictest reading). */
  readonly requests: number;
  readonly perMs: number;
  /** Requests in progress at once. */
  readonly inFlight: number;
  /** How long each accepted request takes. */
  readonly latencyMs: number;
}

/** One request the target accepted: when it arrived, and its idempotency key. */
export interface Accepted {
  readonly at: number;
  readonly key: string | undefined;
}

/**
 * A target that publishes limits and enforces them as a strict API would: a request arriving
 * when `requests` others arrived in the last `perMs`, or while `inFlight` are in progress, gets
 * 429 with Retry-After. Accepted requests answer 201 after `latencyMs`.
 */
export class FakeLimitedTarget {
  readonly accepted: Accepted[] = [];
  /** Arrival times of the requests it refused with 429. */
  readonly refused: number[] = [];
  #inFlight = 0;
  #server: Server | undefined;
  #url = "";

  constructor(private readonly limits: TargetLimits) {}

  static start(limits: TargetLimits): Promise<FakeLimitedTarget> {
    return new FakeLimitedTarget(limits).#listen();
  }

  get url(): string {
    return this.#url;
  }

  async #listen(): Promise<this> {
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        const now = Date.now();
        const { requests, perMs, inFlight, latencyMs } = this.limits;
        const inWindow = this.accepted.filter((item) => item.at > now - perMs).length;
        if (inWindow >= requests || this.#inFlight >= inFlight) {
          this.refused.push(now);
          response.writeHead(429, { "content-type": "application/json", "retry-after": "1" }).end('{"error":"rate_limited"}');
          return;
        }
        const key = request.headers["idempotency-key"];
        this.accepted.push({ at: now, key: typeof key === "string" ? key : undefined });
        this.#inFlight += 1;
        setTimeout(() => {
          // Out of flight before the answer leaves: the caller cannot see the end any earlier.
          this.#inFlight -= 1;
          response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `rec-${this.accepted.length}` }));
        }, latencyMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
