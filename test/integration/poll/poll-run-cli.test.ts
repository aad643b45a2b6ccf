import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { AMQP_URL, tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { createPollStore } from "../../../src/state/poll-store.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { eventsOf, pollRoutes, products, stock, tempDir } from "./poll-setup.js";

const CLI = "dist/cli/main.js";
const TOKEN = "api-poll-cli";

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, AMQP_URL, ...env, ENV_FILE: "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("webhook-router poll run", () => {
  let api: FakeTracktileApi;
  let tap: QueueTap;
  let routes: ReturnType<typeof pollRoutes>;
  let data: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startFakeTracktileApi(TOKEN);
    stock(api, products(7));
    tap = await tapExchange();
    routes = pollRoutes({ api, size: 3 });
    data = tempDir("wr-poll-cli-");
    env = { ROUTES_DIR: routes.dir, DATA_DIR: data.dir, AMQP_EXCHANGE: tap.exchange, POLL_TEST_TOKEN: TOKEN };
  });
  afterAll(async () => {
    await tap?.close();
    await api?.close();
    routes?.cleanup();
    data?.cleanup();
  });

  const cursor = async () => {
    const db = await openStateDb({ dataDir: data.dir });
    try {
      return (await createPollStore(db).read(routes.sourceId))?.cursorMs;
    } finally {
      await db.destroy();
    }
  };

  it("polls once by hand: a progress line per page on stderr (not a terminal), the summary on stdout, the events on the exchange", async () => {
    const result = await cli(["poll", "run", routes.sourceId], env);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^page 1: 3 item\(s\) published, 0 already published \(GET http:\/\/127\.0\.0\.1:\d+\/products\)$/),
      expect.stringMatching(/^page 2: 6 item/),
      expect.stringMatching(/^page 3: 7 item/),
    ]);
    expect(result.stdout).toMatch(
      new RegExp(`^${routes.sourceId}: 7 item\\(s\\) published in 3 page\\(s\\), 0 already published; cursor 2025-06-01T00:01:00.000Z`),
    );
    expect(result.code).toBe(0);
    await tap.waitFor(7);
    expect(eventsOf(tap.messages).map((event) => event.subject)).toEqual(products(7).map((product) => product.id));
  });

  it("backfills from --since without moving the cursor back; what is older than the overlap comes again under its first id", async () => {
    const before = await cursor();
    api.products.upsert({ ...products(1, Date.parse("2025-05-01T00:00:00Z"))[0]!, id: "prd_old" });
    const result = await cli(["poll", "run", routes.sourceId, "--since", "2025-04-01T00:00:00Z"], env);
    expect(result.code).toBe(0);
    // Remembered as published: the six changes within the overlap (5 min) before the cursor's newest.
    expect(result.stdout).toMatch(/2 item\(s\) published in 3 page\(s\), 6 already published/);
    expect(await cursor()).toBe(before);
    await tap.waitFor(9);
    expect(api.products.requests.at(-1)?.modifiedSince).toBe("2025-04-01T00:00:00.000Z");
    const events = eventsOf(tap.messages);
    expect(events.slice(7).map((event) => event.subject)).toEqual(["prd_old", "prd_0001"]);
    // The routes' dedup knows prd_0001's change by this id already.
    expect(events[8]!.id).toBe(events[0]!.id);
  });

  it("refuses a source that is not a polling source, naming those that are", async () => {
    const result = await cli(["poll", "run", "nope"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no polling source "nope" (polling sources: ${routes.sourceId})`);
  });
});
