import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPauseStore, routePause } from "../../../src/state/pause-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

// Two connections to one store stand for two worker processes (SQLite: two handles on one file; PostgreSQL: two pools).
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-pauses-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the pause store on %s", (_name, options) => {
  let db: StateDb;
  let other: StateDb;
  const run = randomUUID().slice(0, 8);
  const route = `route-${run}`;
  const destination = `destination-${run}`;

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
  });
  afterAll(async () => {
    await db?.deleteFrom("pauses").where("target_id", "in", [route, destination]).execute();
    await other?.destroy();
    await db?.destroy();
  });

  it("a pause written by one process is read by another; pausing again replaces the reason; resume removes it once", async () => {
    const here = createPauseStore(db);
    const there = createPauseStore(other);
    expect(await here.pause("route", route, "ERP maintenance", 1_700_000_000_000)).toEqual({
      kind: "route",
      id: route,
      reason: "ERP maintenance",
      pausedAt: 1_700_000_000_000,
    });
    expect((await there.list()).filter((pause) => pause.id === route)).toEqual([
      { kind: "route", id: route, reason: "ERP maintenance", pausedAt: 1_700_000_000_000 },
    ]);
    await there.pause("route", route, null, 1_700_000_060_000);
    expect((await here.list()).find((pause) => pause.id === route)).toEqual({ kind: "route", id: route, reason: null, pausedAt: 1_700_000_060_000 });
    expect(await there.resume("route", route)).toBe(true);
    expect(await here.resume("route", route)).toBe(false);
    expect((await here.list()).some((pause) => pause.id === route)).toBe(false);
  });

  it("a route and its destination are paused apart: the route's own pause shows first, the destination's holds it after", async () => {
    const pauses = createPauseStore(db);
    await pauses.pause("destination", destination, "upgrade", 1000);
    await pauses.pause("route", route, "mapping", 2000);
    const all = await pauses.list();
    expect(routePause(all, route, destination)).toEqual({ pausedBy: "route", reason: "mapping", pausedAt: 2000 });
    expect(routePause(all, `another-${run}`, destination)).toEqual({ pausedBy: "destination", reason: "upgrade", pausedAt: 1000 });
    await pauses.resume("route", route);
    expect(routePause(await pauses.list(), route, destination)).toEqual({ pausedBy: "destination", reason: "upgrade", pausedAt: 1000 });
    await pauses.resume("destination", destination);
    expect(routePause(await pauses.list(), route, destination)).toBeUndefined();
  });
});
