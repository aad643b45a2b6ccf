import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPauseStore, type RoutePause } from "../../../src/state/pause-store.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { startPauseWatch } from "../../../src/worker/pause-watch.js";
import { captureLogs } from "../../unit/delivery-log/fixtures.js";

describe("the pause watch of a worker process", () => {
  it("tells of each route whose state changed, reads the store before it resolves, and keeps the last state while the store cannot be read", async () => {
    const db = await openStateDb({ dataDir: mkdtempSync(join(tmpdir(), "wr-pause-watch-")) });
    const store = createPauseStore(db);
    await store.pause("route", "orders", "paused before the start", 1000);
    const changes: Array<[string, RoutePause | undefined]> = [];
    const logs = captureLogs();
    const watch = await startPauseWatch({
      store,
      routes: [
        { id: "orders", destination: "erp" },
        { id: "invoices", destination: "erp" },
      ],
      // Long: the test reads by refresh(), never by the timer.
      intervalMs: 60_000,
      logger: logs.logger,
      onChange: (route, pause) => changes.push([route, pause]),
    });
    try {
      // Known before the first consumer could start.
      expect(watch.current("orders")).toEqual({ pausedBy: "route", reason: "paused before the start", pausedAt: 1000 });
      expect(changes).toEqual([["orders", { pausedBy: "route", reason: "paused before the start", pausedAt: 1000 }]]);

      await store.pause("destination", "erp", "upgrade", 2000);
      await watch.refresh();
      // `orders` is still held by its own pause: nothing changed for it.
      expect(changes.slice(1)).toEqual([["invoices", { pausedBy: "destination", reason: "upgrade", pausedAt: 2000 }]]);
      await store.resume("route", "orders");
      await Promise.all([watch.refresh(), watch.refresh()]);
      expect(changes.slice(2)).toEqual([["orders", { pausedBy: "destination", reason: "upgrade", pausedAt: 2000 }]]);
      expect(watch.states).toEqual(
        new Map([
          ["orders", true],
          ["invoices", true],
        ]),
      );

      await db.destroy();
      await watch.refresh();
      await watch.refresh();
      expect(watch.states).toEqual(
        new Map([
          ["orders", true],
          ["invoices", true],
        ]),
      );
      expect(logs.lines().filter((line) => line.msg === "cannot read the pauses from the state store; keeping the last known state")).toHaveLength(1);
    } finally {
      watch.stop();
    }
  });
});
