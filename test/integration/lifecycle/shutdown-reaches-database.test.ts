import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { stateFile } from "../../../src/state/state-db.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { deleteRouteQueues, EXAMPLE_SECRETS, startTestRouter, type TestRouter } from "../../helpers/router.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { eventually } from "../spool/spool-events.js";

/**
 * SQLite removes a database's `-wal` file when its last connection closes (after folding it back
 * into the file): while it is there, the router still holds the state store open.
 */
const walOf = (dataDir: string) => `${stateFile(dataDir)}-wal`;

describe("shutdown with a part that cannot close (the broker hangs mid-shutdown)", () => {
  let proxy: TcpProxy | undefined;
  let router: TestRouter | undefined;
  let closing: Promise<unknown> | undefined;
  const prefix = `test.${randomUUID().slice(0, 8)}.`;

  afterEach(async () => {
    // Lets a close still waiting on the broker finish, whatever the outcome of the test.
    proxy?.resume();
    await closing?.catch(() => {});
    await proxy?.close();
    await deleteRouteQueues(prefix, loadRoutes("routes", EXAMPLE_SECRETS));
  });

  it("still closes the state store, within its budget, and says which part did not close", async () => {
    proxy = new TcpProxy();
    await proxy.start();
    const dataDir = mkdtempSync(join(tmpdir(), "wr-shutdown-"));
    router = await startTestRouter(
      { AMQP_URL: proxy.url(AMQP_URL), DATA_DIR: dataDir, QUEUE_PREFIX: prefix, SHUTDOWN_TIMEOUT_MS: "300" },
      { role: "worker" },
    );
    expect(existsSync(walOf(dataDir))).toBe(true);

    // The workers' close now waits on a broker that never answers (amqplib has no timeout of its own).
    proxy.pause();
    const began = Date.now();
    closing = router.close();
    const outcome = closing.then(
      () => "clean",
      (error: Error) => error.message,
    );

    await eventually(() => !existsSync(walOf(dataDir)), 5_000, "the state store closed");
    expect(Date.now() - began).toBeLessThan(5_000);
    // Unclean, and the log names the part that did not close in time.
    expect(await outcome).toMatch(/workers/);
    expect(router.logs.some((line) => line.part === "workers" && /did not close/.test(String(line.msg)))).toBe(true);
  });
});
