import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";

/** How often the thread folds the WAL back into the database file. */
const CHECKPOINT_EVERY_MS = 1000;

// CommonJS, evaluated in the thread: no file of its own to find from src/ (tests) or dist/.
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
const checkpoint = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy or closing: the next tick tries again */ }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once("message", () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  /** Asks the thread for a last checkpoint and to close; does not wait (the process may exit). */
  stop(): void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With `synchronous=NORMAL` a commit only
 * appends to the WAL; the fsync happens when a checkpoint copies the WAL into the database,
 * which SQLite does inside whichever commit crosses 1,000 pages — on the event loop, for 10–25 ms
 * on this machine's disk, every few seconds under load: the p99 of every request in flight
 * (bench/README.md). Here the writer never checkpoints and a thread with its own connection does,
 * every second, in PASSIVE mode, which never blocks the writer. Should the thread die, the
 * writer checkpoints for itself again.
 */
export function startWalCheckpointer(database: Database, path: string): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(THREAD, { eval: true, workerData: { driver, path, everyMs: CHECKPOINT_EVERY_MS } });
  // Never what keeps the process alive; SQLite makes an interrupted checkpoint harmless.
  worker.unref();
  let stopping = false;
  const checkpointInline = () => {
    if (!stopping && database.open) database.pragma("wal_autocheckpoint = 1000");
  };
  worker.on("error", checkpointInline);
  worker.on("exit", checkpointInline);
  database.pragma("wal_autocheckpoint = 0");
  return {
    stop() {
      stopping = true;
      worker.postMessage("stop");
    },
  };
}
