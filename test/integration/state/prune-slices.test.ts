import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDeliveryStore } from "../../../src/state/delivery-store.js";
import { openStateDb, sqliteHandle } from "../../../src/state/state-db.js";

const DAY = 86_400_000;

describe("pruning a big SQLite state store", () => {
  it("deletes only what is past retention, in slices that let the event loop run in between", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-prune-"));
    const db = await openStateDb({ dataDir: dir });
    try {
      const database = sqliteHandle(db)!;
      const insert = database.prepare("insert into delivered (route_id, event_id, target_id, delivered_at) values (?, ?, null, ?)");
      const now = Date.now();
      database.transaction(() => {
        for (let i = 0; i < 9000; i += 1) insert.run("orders", `old-${i}`, now - 40 * DAY + i);
        for (let i = 0; i < 100; i += 1) insert.run("orders", `new-${i}`, now - DAY);
      })();

      let turns = 0;
      let counting = true;
      const count = () => {
        turns += 1;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      const removed = await createDeliveryStore(db).prune(30 * DAY);
      counting = false;

      expect(removed).toBe(9000);
      expect(turns).toBeGreaterThanOrEqual(4);
      expect(database.prepare("select count(*) as n from delivered").get()).toEqual({ n: 100 });
    } finally {
      await db.destroy();
      // SQLite's -wal/-shm files can still be going away as the folder is removed: retry rather than fail on ENOTEMPTY.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }
  });
});
