import type { Database, Statement } from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** Distinct SQL texts kept prepared; batch inserts of different sizes make a few hundred at most. */
const MAX_STATEMENTS = 256;

/**
 * Kysely's SQLite driver asks better-sqlite3 to prepare every query afresh, and preparing costs
 * more than running these small queries (profile in bench/README.md: ~200 µs per worker event).
 * Kysely only hands over parameterized SQL, so the same text recurs and its statement can be
 * reused. Oldest entries go first when the cache is full.
 */
export function withStatementCache(database: Database, beforeClose?: () => void): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      beforeClose?.();
      cache.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
