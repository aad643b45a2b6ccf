import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStateDb, sqliteHandle } from "../../../src/state/state-db.js";

const MiB = 1024 * 1024;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the SQLite state store's write-ahead log", () => {
  it("is checkpointed by a thread of its own, never inside a commit on the event loop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-wal-"));
    const db = await openStateDb({ dataDir: dir });
    try {
      const database = sqliteHandle(db)!;
      expect(database.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
      const insert = database.prepare("insert into tokens (key, value, updated_at) values (?, ?, ?)");
      const padding = "x".repeat(1000);
      // Four rounds of ~2 MiB a second apart: with nobody checkpointing the WAL would reach 8 MiB;
      // the thread folds each round into the database, so the next starts the WAL over.
      for (let round = 0; round < 4; round += 1) {
        database.transaction(() => {
          for (let i = 0; i < 2000; i += 1) insert.run(`k${round}-${i}`, padding, Date.now());
        })();
        await pause(1300);
      }
      expect(statSync(join(dir, "state.sqlite-wal")).size).toBeLessThan(6 * MiB);
      expect(database.prepare("select count(*) as n from tokens").get()).toEqual({ n: 8000 });
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
