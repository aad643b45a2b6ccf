import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { loadEnv } from "../../../src/env.js";
import { isLoopback } from "../../../src/ops/admin/index.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { EXAMPLE_SECRETS, startTestRouter } from "../../helpers/router.js";
import { APP_SOURCE } from "../../helpers/worker-setup.js";

const run = promisify(execFile);
const TOKEN = "config-test-token-0123456789";
const REFUSAL = "ADMIN_TOKEN: required when ADMIN_HOST (0.0.0.0) is not a loopback address";

// A source and no routes: these routers declare no queues. Quorum queues created and deleted
// within milliseconds (a router stopped right after its start) can crash RabbitMQ's dead-letter
// workers, and enough of those take its dead-lettering supervisor down for every test.
const ROUTES_DIR = mkdtempSync(join(tmpdir(), "wr-admin-routes-"));
writeFileSync(join(ROUTES_DIR, "app.yaml"), APP_SOURCE);

describe("admin API settings", () => {
  it("refuses to start listening beyond loopback without a token, with one clear message and exit 78", async () => {
    const refused = startTestRouter({ ROUTES_DIR, ADMIN_HOST: "0.0.0.0", ADMIN_PORT: "0" });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(REFUSAL);
    const cli = run(process.execPath, ["dist/cli/main.js", "start"], {
      env: {
        PATH: process.env.PATH,
        ...EXAMPLE_SECRETS,
        AMQP_URL,
        ENV_FILE: "",
        ROUTES_DIR,
        DATA_DIR: mkdtempSync(join(tmpdir(), "wr-admin-")),
        ADMIN_HOST: "0.0.0.0",
      },
    });
    await expect(cli).rejects.toMatchObject({ code: 78, stderr: expect.stringContaining(`environment variable ${REFUSAL}`) });
  });

  it("starts beyond loopback with a token, and then requires it", async () => {
    const router = await startTestRouter({ ROUTES_DIR, ADMIN_HOST: "0.0.0.0", ADMIN_PORT: "0", ADMIN_TOKEN: TOKEN });
    try {
      expect(router.adminPort).toBeGreaterThan(0);
      const url = `http://127.0.0.1:${router.adminPort}/status`;
      expect((await fetch(url)).status).toBe(401);
      const status = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await status.json()).toMatchObject({ sources: [{ id: "app", received: 0 }], routes: [] });
    } finally {
      await router.close();
    }
  });

  it("ADMIN_PORT=off starts no admin API; a port already taken is logged, and webhooks are still taken", async () => {
    const off = await startTestRouter({ ROUTES_DIR, ADMIN_PORT: "off" });
    await off.close();
    expect(off.adminPort).toBeUndefined();
    expect(off.logs.some((line) => line.msg === "admin API listening")).toBe(false);

    const squatter = createServer().listen(0, "127.0.0.1");
    await once(squatter, "listening");
    const taken = (squatter.address() as AddressInfo).port;
    const router = await startTestRouter({ ROUTES_DIR, ADMIN_PORT: String(taken) });
    try {
      expect(router.adminPort).toBeUndefined();
      expect(router.logs.find((line) => String(line.msg).startsWith("admin API not started"))).toMatchObject({ level: 50, adminPort: taken });
      expect((await fetch(`${router.url}/readyz`)).status).toBe(200);
    } finally {
      await router.close();
      squatter.close();
    }
  });

  it("reads its variables with defaults, and says what is wrong with a bad one", () => {
    expect(loadEnv({})).toMatchObject({
      ADMIN_PORT: 9090,
      ADMIN_HOST: "127.0.0.1",
      DELIVERY_LOG: true,
      DELIVERY_LOG_RETENTION: 14 * 86_400_000,
      DELIVERY_LOG_PAYLOADS: false,
    });
    expect(loadEnv({ ADMIN_TOKEN: undefined }).ADMIN_TOKEN).toBeUndefined();
    expect(loadEnv({ ADMIN_PORT: "off", DELIVERY_LOG_PAYLOADS: "true", DELIVERY_LOG_RETENTION: "7d" })).toMatchObject({
      ADMIN_PORT: "off",
      DELIVERY_LOG_PAYLOADS: true,
      DELIVERY_LOG_RETENTION: 7 * 86_400_000,
    });
    expect(() => loadEnv({ ADMIN_PORT: "admin" })).toThrow(/ADMIN_PORT: expected a port \(0-65535; 0 = any free port\) or "off", got "admin"/);
    expect(() => loadEnv({ ADMIN_TOKEN: "short" })).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
    expect(() => loadEnv({ DELIVERY_LOG_RETENTION: "forever" })).toThrow(/DELIVERY_LOG_RETENTION: expected a duration/);
  });

  it("knows a loopback address when it sees one", () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])
      expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.com", "::ffff:10.0.0.1"]) expect(isLoopback(host), host).toBe(false);
  });
});
