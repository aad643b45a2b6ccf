import type { Logger } from "pino";
import type { LogRow } from "./log-rows.js";

export interface LogWriterOptions {
  /** Writes one batch (one transaction). */
  readonly write: (rows: readonly LogRow[]) => Promise<void>;
  readonly logger: Logger;
  /** How long a row may wait for its batch. @defaultValue 200 */
  readonly flushMs?: number;
  /** Most rows per batch; a full batch is written at once. @defaultValue 500 */
  readonly batchRows?: number;
  /** Most rows waiting; past it the oldest are dropped (and counted). @defaultValue 10000 */
  readonly maxQueued?: number;
}

export interface LogWriterStats {
  /** Rows waiting to be written. */
  readonly queued: number;
  readonly written: number;
  /** Rows dropped because the queue was full (the store too slow or down). */
  readonly dropped: number;
  /** Rows lost to failed writes. */
  readonly failed: number;
}

export interface LogWriter {
  /** Queues rows; never waits, never throws. */
  push(rows: readonly LogRow[]): void;
  readonly stats: LogWriterStats;
  /** Writes everything queued so far (tests, the CLI). */
  flush(): Promise<void>;
  /** Writes what is queued (at most `ms`), then stops taking rows. */
  close(ms: number): Promise<void>;
}

/** At most one "dropping rows" warning per this long: a slow store must not flood the log too. */
const WARN_EVERY_MS = 10_000;

/**
 * The delivery log's write path, kept off the hot path: a request or an ack only appends to an
 * in-memory queue. Batches are written every `flushMs` (or as soon as `batchRows` are waiting),
 * one at a time. The queue is bounded — a store that is down or slow costs log rows, never
 * memory or latency — and a failed write is logged, never thrown to the caller.
 */
export function createLogWriter(options: LogWriterOptions): LogWriter {
  const { write, logger } = options;
  const flushMs = options.flushMs ?? 200;
  const batchRows = options.batchRows ?? 500;
  const maxQueued = options.maxQueued ?? 10_000;
  let queue: LogRow[] = [];
  let written = 0;
  let dropped = 0;
  let failed = 0;
  let droppedSinceWarning = 0;
  let lastWarning = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const writeOne = async () => {
    const batch = queue.slice(0, batchRows);
    queue = queue.slice(batch.length);
    try {
      await write(batch);
      written += batch.length;
    } catch (error) {
      failed += batch.length;
      logger.error({ err: (error as Error).message, rows: batch.length }, "delivery log: could not write a batch; its rows are lost");
    }
  };

  const drain = async () => {
    while (queue.length > 0) await writeOne();
  };
  const run = (): Promise<void> => {
    // `.finally` runs after the assignment even when the drain finishes at once.
    running ??= drain().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  };

  const schedule = () => {
    if (closed || running || queue.length === 0) return;
    if (queue.length >= batchRows) {
      clearTimeout(timer);
      timer = undefined;
      void run();
    } else {
      timer ??= setTimeout(() => {
        timer = undefined;
        void run();
      }, flushMs).unref();
    }
  };

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    while (running || queue.length > 0) await (running ?? run());
  }

  const warnDropped = (count: number) => {
    dropped += count;
    droppedSinceWarning += count;
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    logger.warn({ dropped: droppedSinceWarning, total: dropped, maxQueued }, "delivery log falling behind: oldest rows dropped");
    droppedSinceWarning = 0;
    lastWarning = Date.now();
  };

  return {
    push(rows) {
      if (closed) {
        dropped += rows.length;
        return;
      }
      queue.push(...rows);
      if (queue.length > maxQueued) {
        const excess = queue.length - maxQueued;
        queue = queue.slice(excess);
        warnDropped(excess);
      }
      schedule();
    },
    get stats() {
      return { queued: queue.length, written, dropped, failed };
    },
    flush,
    async close(ms) {
      const deadline = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
      const finished = await Promise.race([flush().then(() => "done" as const), deadline]);
      closed = true;
      clearTimeout(timer);
      if (finished === "timeout" && queue.length > 0) logger.warn({ rows: queue.length }, "delivery log: rows not written before shutdown");
    },
  };
}
