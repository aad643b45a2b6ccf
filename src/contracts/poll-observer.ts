import type { AcceptedVia } from "./event-sink.js";
import type { NormalizedEvent } from "./normalized-event.js";

/** Why a poll failed, as metrics label it and emails explain it; `internal`: this process's own (the state store, say). */
export type PollFailureReason = "credentials" | "response" | "http" | "timeout" | "network" | "broker" | "internal";

export interface PollFailure {
  readonly reason: PollFailureReason;
  /** Scrubbed: no credential, no query string that may hold one. */
  readonly message: string;
  /** The API's HTTP status, when it answered. */
  readonly status?: number | undefined;
  /** Since when every run of the source has failed. */
  readonly failingSince: Date;
  /** Whether a person must be told now (credentials, a response that no longer matches, or failing past `alertAfter`). */
  readonly alert: boolean;
}

/**
 * What the scheduler tells operations about its polls: each published item (the delivery log's
 * receipt), each page, each run's end. Called on the poll's path: implementations only record.
 */
export interface PollObserver {
  published(sourceId: string, event: NormalizedEvent, via: AcceptedVia): void;
  page(sourceId: string, items: number): void;
  succeeded(
    sourceId: string,
    run: { readonly items: number; readonly pages: number; readonly highWaterMs: number | undefined; readonly at: Date },
  ): void;
  failed(sourceId: string, failure: PollFailure): void;
}
