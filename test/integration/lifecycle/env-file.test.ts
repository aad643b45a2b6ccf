import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const CLI = resolve("dist/cli/main.js");
const ROUTES = resolve("routes");

/**
 * `check` in a folder whose `.env` sets a secret the shipped routes need: whether that secret
 * shows up in check's "not set here" note says whether the file was read.
 */
async function checkIn(cwd: string, envFile: string | undefined): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", ROUTES_DIR: ROUTES };
  if (envFile !== undefined) env.ENV_FILE = envFile;
  return run(process.execPath, [CLI, "check"], { cwd, env }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

function folderWithDotEnv(): string {
  const dir = mkdtempSync(join(tmpdir(), "wr-envfile-"));
  writeFileSync(join(dir, ".env"), "TRACKTILE_WEBHOOK_SECRET=from-a-developers-dot-env\n");
  return dir;
}

describe("ENV_FILE", () => {
  it("reads ./.env when ENV_FILE is unset", async () => {
    const result = await checkIn(folderWithDotEnv(), undefined);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/not set here.*TRACKTILE_WEBHOOK_SECRET/);
  });

  it("reads no file at all when ENV_FILE is empty, even with a ./.env beside it", async () => {
    const result = await checkIn(folderWithDotEnv(), "");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/not set here \(fine for check, required by start\): .*TRACKTILE_WEBHOOK_SECRET/);
  });

  it("reads the file ENV_FILE names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-envfile-"));
    writeFileSync(join(dir, "router.env"), "TRACKTILE_WEBHOOK_SECRET=from-router-env\n");
    const result = await checkIn(dir, "router.env");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/not set here.*TRACKTILE_WEBHOOK_SECRET/);
  });

  it("stops with a configuration error when ENV_FILE names a file that does not exist", async () => {
    const result = await checkIn(mkdtempSync(join(tmpdir(), "wr-envfile-")), "prod.env");
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/ENV_FILE: prod\.env does not exist/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
