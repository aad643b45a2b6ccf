import type { Database } from "better-sqlite3";

/**
 * Runs synchronous SQLite work in a shared transaction: everything asked for in one turn of the
 * event loop is committed together (setImmediate), because each commit writes its pages to the
 * WAL whatever it holds (~40 µs here). Each promise settles only after the commit: resolved with
 * its work's result, or rejected — all of them — when the transaction fails.
 */
export interface GroupCommit {
  run<T>(work: () => T): Promise<T>;
}

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

// One per connection, so the dedup marks and the claims of one turn share one commit.
const commits = new WeakMap<Database, GroupCommit>();

export function groupCommit(database: Database): GroupCommit {
  const existing = commits.get(database);
  if (existing) return existing;
  // IMMEDIATE: the write lock is taken (waiting out busy_timeout) before any statement reads, so
  // work that reads and then writes — a claim — decides on the latest committed state even with
  // other processes on the same file.
  const transaction = database.transaction((jobs: readonly Job[]) => jobs.map((job) => job.work()));
  let pending: Job[] = [];
  const flush = () => {
    const jobs = pending;
    pending = [];
    let results: unknown[];
    try {
      results = transaction.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => job.resolve(results[i]));
  };
  const commit: GroupCommit = {
    run<T>(work: () => T) {
      return new Promise<T>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
  commits.set(database, commit);
  return commit;
}
