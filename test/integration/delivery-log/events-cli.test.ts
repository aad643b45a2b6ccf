import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { createDeliveryLog } from "../../../src/ops/delivery-log/index.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { captureLogs, normalizedEvent, tableOf } from "../../unit/delivery-log/fixtures.js";

const run = promisify(execFile);
const MINUTE = 60_000;

describe("webhook-router events, reading the delivery log an operator's router wrote", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "wr-events-cli-"));
  const base = Date.now() - 30 * MINUTE;
  const at = (minutes: number) => new Date(base + minutes * MINUTE).toISOString();
  const cli = (...args: string[]) =>
    run(process.execPath, ["dist/cli/main.js", "events", ...args], { env: { ...process.env, ENV_FILE: "", DATA_DIR: dataDir, DATABASE_URL: "" } });

  beforeAll(async () => {
    const db = await openStateDb({ dataDir });
    let clock = base - 90 * MINUTE;
    const table = tableOf(["tracktile"], { "orders-to-erp": ["tracktile.order.#"], "all-to-archive": ["tracktile.#"] });
    const log = createDeliveryLog({ db, table, logger: captureLogs().logger, engine: "sqlite", retentionMs: 0, now: () => clock });
    log.accepted("tracktile", normalizedEvent("tracktile", "order.created", "evt-old"), "broker"); // two hours ago
    clock = base;
    log.accepted("tracktile", normalizedEvent("tracktile", "order.created", "evt-1", {}, "PO-1"), "broker");
    clock = base + MINUTE;
    log.outcome(
      { kind: "retry", next: 2, delayMs: 5000, error: "HTTP 503: maintenance", status: 503, targetMs: 12.5 },
      { routeId: "orders-to-erp", eventId: "evt-1", attempt: 1 },
    );
    log.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 3 }, { routeId: "all-to-archive", eventId: "evt-1", attempt: 1 });
    clock = base + 2 * MINUTE;
    log.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 8.25 }, { routeId: "orders-to-erp", eventId: "evt-1", attempt: 2 });
    clock = base + 3 * MINUTE;
    log.accepted("tracktile", normalizedEvent("tracktile", "shipment.created", "evt-2"), "spool");
    clock = base + 4 * MINUTE;
    log.outcome(
      { kind: "dead", reason: "credentials", error: "HTTP 401: token expired", status: 401, targetMs: 2 },
      { routeId: "all-to-archive", eventId: "evt-2", attempt: 1 },
    );
    await log.close(1000);
    await db.destroy();
  });

  it("prints one line per event, newest first, with each route's state and attempt", async () => {
    const { stdout } = await cli("--since", "1h");
    expect(stdout.trim().split("\n")).toEqual([
      `${at(3)}  evt-2  tracktile.shipment.created  spool  all-to-archive=dead(1)`,
      `${at(0)}  evt-1  tracktile.order.created  broker  all-to-archive=delivered(1) orders-to-erp=delivered(2)`,
      "2 event(s)",
    ]);
  });

  it("filters (here by route), and says when the limit cut the list", async () => {
    // Each run starts a Node process (~1 s), so one run here; every filter is covered on both
    // engines in log-store.test.ts.
    const { stdout } = await cli("--route", "all-to-archive", "--limit", "1");
    expect(stdout).toMatch(/^\S+ {2}evt-2 .*\n1 event\(s\) \(the newest 1: --limit for more\)\n$/);
  });

  it("--id prints the whole journey: the receipt, then every attempt per route", async () => {
    const { stdout } = await cli("--id", "evt-1");
    expect(stdout.trim().split("\n")).toEqual([
      "event evt-1  type tracktile.order.created  source tracktile  subject PO-1  time 2026-11-20T14:03:11.000Z",
      `received ${at(0)} via broker (1 receipt(s))`,
      `route all-to-archive: delivered (attempt 1, ${at(1)})`,
      `  #1  ${at(1)}  delivered  201  3ms`,
      `route orders-to-erp: delivered (attempt 2, ${at(2)})`,
      `  #1  ${at(1)}  retry  503  12.5ms  next in 5000ms  HTTP 503: maintenance`,
      `  #2  ${at(2)}  delivered  201  8.25ms`,
    ]);
  });

  it("refuses unreadable flags with exit 2, a missing store with exit 1", async () => {
    const empty = mkdtempSync(join(tmpdir(), "wr-events-none-"));
    await Promise.all([
      expect(cli("--since", "yesterday")).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/since: expected a duration ago/) }),
      expect(
        run(process.execPath, ["dist/cli/main.js", "events"], { env: { ...process.env, ENV_FILE: "", DATA_DIR: empty, DATABASE_URL: "" } }),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/no state store at .*state\.sqlite/) }),
    ]);
  });
});
