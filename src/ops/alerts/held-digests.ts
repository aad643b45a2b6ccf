import type { AlertBatch } from "./alert-batch.js";
import { type AlertJournal, journalEntry } from "./alert-journal.js";

export interface HeldDigests {
  /** A stream's pending digest took in more: its journal row is refreshed at the next tick. */
  held(batch: AlertBatch): void;
  /** The digest is being emailed now: its row will say sent or failed, not held. */
  sending(batch: AlertBatch): void;
  close(): void;
}

/**
 * Keeps the journal's `held` rows current without a write per alert: an outage folding a million
 * dead letters into one digest rewrites its row once per tick, not a million times.
 */
export function createHeldDigests(options: {
  readonly journal: AlertJournal;
  readonly describe: (batch: AlertBatch) => { subject: string; recipients: readonly string[] };
  readonly now: () => Date;
  readonly tickMs: number;
}): HeldDigests {
  const dirty = new Map<string, AlertBatch>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const batch of dirty.values()) options.journal.record(journalEntry(batch, options.describe(batch), "held", options.now()));
    dirty.clear();
  };
  return {
    held(batch) {
      dirty.set(batch.id, batch);
      if (!timer) timer = setTimeout(flush, options.tickMs).unref();
    },
    sending(batch) {
      dirty.delete(batch.id);
    },
    close() {
      clearTimeout(timer);
      dirty.clear();
    },
  };
}
