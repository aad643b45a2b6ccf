/** Where the outage is told: a pino logger fits. */
export interface OutageLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** What /readyz lists while the shared rate-limit store does not answer. */
export interface RateLimitProblem {
  readonly code: "rate_limit_store_unavailable";
  readonly message: string;
  readonly at: string;
}

/** How often a lasting outage is logged again. */
const LOG_EVERY_MS = 60_000;

/**
 * The shared rate-limit store's health as the ingress sees it: one warn line when it stops
 * answering, one a minute while it lasts (with how many checks this process counted alone), one
 * info line when it answers again; a /readyz problem meanwhile. Never a reason to refuse events:
 * the limit counts per process while the store is down.
 */
export class StoreOutage {
  #since: Date | undefined;
  #reason = "";
  #loggedAt = 0;
  #fallbacksThisOutage = 0;
  #fallbacks = 0;

  constructor(
    private readonly where: string,
    private readonly logger: OutageLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The store failed (an error, a timeout, a lost connection). */
  failed(error: unknown): void {
    this.#reason = error instanceof Error ? error.message || error.name : String(error);
    const now = this.now();
    if (this.#since === undefined) {
      this.#since = new Date(now);
      this.#fallbacksThisOutage = 0;
      this.#loggedAt = now;
      this.logger.warn({ err: this.#reason }, `${this.where} does not answer: rate limits count in this process alone until it does`);
      return;
    }
    if (now - this.#loggedAt < LOG_EVERY_MS) return;
    this.#loggedAt = now;
    this.logger.warn(
      { err: this.#reason, since: this.#since.toISOString(), countedAlone: this.#fallbacksThisOutage },
      `${this.where} still does not answer: rate limits count in this process alone`,
    );
  }

  /** A check was counted in this process alone. */
  fellBack(): void {
    this.#fallbacks += 1;
    this.#fallbacksThisOutage += 1;
  }

  /** The store answered: the outage, if any, is over. */
  answered(): void {
    if (this.#since === undefined) return;
    const seconds = Math.round((this.now() - this.#since.getTime()) / 1000);
    this.logger.info({ countedAlone: this.#fallbacksThisOutage }, `${this.where} answers again after ${seconds} s: rate limits are shared again`);
    this.#since = undefined;
  }

  get down(): boolean {
    return this.#since !== undefined;
  }

  /** Checks counted in this process alone since start (for metrics). */
  get fallbacks(): number {
    return this.#fallbacks;
  }

  get problems(): RateLimitProblem[] {
    if (this.#since === undefined) return [];
    const message = `${this.where} does not answer (${this.#reason}): each replica counts the rate limits alone meanwhile`;
    return [{ code: "rate_limit_store_unavailable", message, at: this.#since.toISOString() }];
  }
}
