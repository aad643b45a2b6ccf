import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs the built CLI with its standard output closed before it writes (as `… | head -1` does). */
function runWithClosedOutput(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { PATH: process.env.PATH, ENV_FILE: "", ROUTES_DIR: "routes" };
  const child = spawn(process.execPath, ["dist/cli/main.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

// `webhook-router events | head -2` is how operators read a long listing.
describe("the CLI when the reader of its output goes away", () => {
  it("stops quietly with exit 0, without an EPIPE stack trace", async () => {
    const result = await runWithClosedOutput(["docs", "asyncapi"]);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(result.code).toBe(0);
  });
});
