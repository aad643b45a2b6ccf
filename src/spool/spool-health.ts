import type { SpoolProblem } from "./open-spool.js";
import type { Spool } from "./spool.js";

/**
 * What has gone wrong with the spool, for readiness and /readyz: a refusal for lack of room
 * lasts until the relay frees some; a write failure until a write succeeds; what was found at
 * start-up (a damaged file) until the process restarts, because an operator must look at it.
 */
export class SpoolHealth {
  /** Set when an append was refused for room; full while the spool has freed nothing since. */
  #refused: { atBytes: number; problem: SpoolProblem } | undefined;
  #writeFailure: SpoolProblem | undefined;

  constructor(
    private readonly spool: Spool | undefined,
    private readonly startupProblems: readonly SpoolProblem[],
  ) {}

  refusedForRoom(message: string): void {
    const problem: SpoolProblem = {
      code: "spool_full",
      message: `${message}: events are refused (503) until the broker takes some of them`,
      at: new Date().toISOString(),
    };
    this.#refused = { atBytes: this.spool?.depth().bytes ?? 0, problem };
  }

  writeFailed(message: string): void {
    this.#writeFailure = { code: "spool_write_failed", message, at: new Date().toISOString() };
  }

  appended(): void {
    this.#refused = undefined;
    this.#writeFailure = undefined;
  }

  get full(): boolean {
    return this.#refused !== undefined && (this.spool?.depth().bytes ?? 0) >= this.#refused.atBytes;
  }

  /** The spool cannot be trusted to take events (or was found damaged and needs a look). */
  get failing(): boolean {
    return this.spool === undefined || this.#writeFailure !== undefined || this.startupProblems.length > 0;
  }

  /** Whether an append can be expected to succeed now. */
  get canTake(): boolean {
    return this.spool !== undefined && this.#writeFailure === undefined && !this.full;
  }

  problems(): SpoolProblem[] {
    const problems = [...this.startupProblems];
    if (this.#writeFailure) problems.push(this.#writeFailure);
    if (this.full && this.#refused) problems.push(this.#refused.problem);
    return problems;
  }
}
