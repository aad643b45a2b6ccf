import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routerProcessEnv } from "../../helpers/router-process.js";

interface Exit {
  readonly code: number | null;
  readonly ms: number;
  readonly logs: Array<Record<string, unknown>>;
}

/** `webhook-router start` as a process manager runs it; resolves when it exits (killed after 15 s). */
async function startExpectingExit(env: Record<string, string>): Promise<Exit> {
  const began = Date.now();
  const child = spawn(process.execPath, ["dist/cli/main.js", "start"], { env: routerProcessEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(killer);
  const logs = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, ms: Date.now() - began, logs };
}

describe("a start that fails", () => {
  let squatter: Server;
  let taken: number;

  beforeAll(async () => {
    squatter = createServer().listen(0, "127.0.0.1");
    await once(squatter, "listening");
    taken = (squatter.address() as AddressInfo).port;
  });
  afterAll(() => squatter.close());

  it("on a port in use exits 1 within seconds, with one error line naming the port and what to do, before touching the broker", async () => {
    const exit = await startExpectingExit({ PORT: String(taken), DATA_DIR: mkdtempSync(join(tmpdir(), "wr-port-")) });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(5_000);
    const errors = exit.logs.filter((line) => line.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ port: taken, code: "EADDRINUSE" });
    expect(errors[0]!.msg).toBe(
      `could not start: cannot listen on 127.0.0.1:${taken}: the port is in use (EADDRINUSE) — stop the process holding it (an older router still draining?) or set PORT to a free port`,
    );
    expect(exit.logs.some((line) => line.msg === "connected to the broker")).toBe(false);
  });

  it("once the broker connection has begun closes what it started and exits 1, instead of consuming with no HTTP server", async () => {
    // DATA_DIR is a file: the spool is reported and skipped, but the workers' state store cannot open.
    const dir = mkdtempSync(join(tmpdir(), "wr-start-fail-"));
    const notADirectory = join(dir, "data");
    writeFileSync(notADirectory, "");
    const exit = await startExpectingExit({ PORT: "0", DATA_DIR: notADirectory });
    expect(exit.code).toBe(1);
    expect(exit.ms).toBeLessThan(10_000);
    expect(exit.logs.filter((line) => line.level === "error").at(-1)?.msg).toMatch(/^could not start: /);
    expect(exit.logs.some((line) => line.msg === "webhook-router started")).toBe(false);
  });
});
