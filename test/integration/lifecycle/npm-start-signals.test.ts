import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startRouterProcess } from "../../helpers/router-process.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };

/** The pid of node running `dist/cli/main.js start` among `root` and its descendants. */
function routerPid(root: number): number {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args! }));
  const family = new Set([root]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const row of rows) {
      if (family.has(row.ppid) && !family.has(row.pid)) {
        family.add(row.pid);
        grown = true;
      }
    }
  }
  const router = rows.find((row) => family.has(row.pid) && /^\S*node\s.*dist\/cli\/main\.js start/.test(row.args));
  if (!router) throw new Error(`no router process under pid ${root}`);
  return router.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `body`; whatever happens, no router started by it outlives the test. */
async function withoutOrphans(root: number, body: (routerPid: number) => Promise<void>): Promise<void> {
  const pid = routerPid(root);
  try {
    await body(pid);
  } finally {
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
}

// A process manager signals the pid it started. Whatever stands between it and node (npm, the
// script's shell) must not swallow the SIGTERM, or the router is killed without draining.
describe("npm start under a process manager", () => {
  it("drains and exits 0 when the script's shell is sent SIGTERM: the shell execs node", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-npm-start-"));
    const router = await startRouterProcess({ DATA_DIR: dataDir }, { command: ["sh", ["-c", pkg.scripts.start!]] });
    await withoutOrphans(router.child.pid!, async (pid) => {
      expect(pid).toBe(router.child.pid);
      const code = await router.kill("SIGTERM");
      expect(code).toBe(0);
      expect(router.logs.some((entry) => entry.msg === "shut down cleanly")).toBe(true);
    });
  });

  it("drains when npm itself is sent SIGTERM, leaving no router behind", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-npm-start-"));
    const router = await startRouterProcess({ DATA_DIR: dataDir }, { command: ["npm", ["start", "--silent"]] });
    await withoutOrphans(router.child.pid!, async (pid) => {
      await router.kill("SIGTERM");
      for (let waited = 0; alive(pid) && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive(pid)).toBe(false);
      expect(router.logs.some((entry) => entry.msg === "shut down cleanly")).toBe(true);
    });
  });
});
