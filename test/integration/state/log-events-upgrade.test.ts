import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openStateDb, stateFile } from "../../../src/state/state-db.js";

describe("a state store whose delivery log predates API calls' receipts", () => {
  it("gains the api_call column on open, keeping its rows (SQLite)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-upgrade-"));
    const old = new SQLite(stateFile(dataDir));
    old.exec(`create table log_events (event_id varchar(255) primary key, source_id varchar(100), type varchar(255), subject varchar(255),
      event_time varchar(64), received_at bigint not null, via varchar(16), receipts integer not null, payload text)`);
    old.prepare("insert into log_events values ('evt-1', 'app', 'app.x', null, null, 1, 'broker', 1, null)").run();
    old.close();

    const db = await openStateDb({ dataDir });
    try {
      const { rows } = await sql<{ event_id: string; api_call: string | null }>`select event_id, api_call from log_events`.execute(db);
      expect(rows).toEqual([{ event_id: "evt-1", api_call: null }]);
    } finally {
      await db.destroy();
    }
    // Opened again: nothing to add.
    await (await openStateDb({ dataDir })).destroy();
  });
});
