import type { Database } from "better-sqlite3";

/** Rows one slice deletes: a few milliseconds of the event loop. */
const SLICE_ROWS = 2000;

/**
 * Deletes the rows of `table` whose `column` is below `cutoff`, a slice at a time, each slice its
 * own short synchronous statement, yielding to the event loop in between. One DELETE of an hour's
 * rows at a few thousand events per second would hold the loop for seconds, stalling every
 * request and delivery of the process. Oldest rows sit first in rowid order, so each slice finds
 * its rows at the start of the table. Returns how many rows went.
 */
export async function deleteInSlices(database: Database, table: string, column: string, cutoff: number): Promise<number> {
  const slice = database.prepare(`delete from ${table} where rowid in (select rowid from ${table} where ${column} < ? limit ${SLICE_ROWS})`);
  let deleted = 0;
  for (;;) {
    const { changes } = slice.run(cutoff);
    deleted += changes;
    if (changes < SLICE_ROWS) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
