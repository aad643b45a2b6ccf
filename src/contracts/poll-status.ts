/** One polling source as `GET /status` shows it. Times are ISO 8601; null where unknown. */
export interface PollStatus {
  readonly source: string;
  /** `running` (this process polls it now), `failing`, `ok`, `pending` (never run), or `paused` (`enabled: false`). */
  readonly state: "running" | "failing" | "ok" | "pending" | "paused";
  readonly lastSuccess: string | null;
  readonly lastError: { readonly at: string; readonly message: string } | null;
  readonly failingSince: string | null;
  /** Where the next window starts. */
  readonly cursor: string | null;
  /** Seconds between the newest `modified` seen and now. */
  readonly lagSeconds: number | null;
  readonly lastRun: { readonly items: number; readonly pages: number } | null;
  /** Who holds the lease now (null when nobody does). */
  readonly leaseHolder: string | null;
  /** Whether a run is unfinished (it resumes at its next page). */
  readonly runInProgress: boolean;
}
