import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { alive, freeConsecutivePorts, processTree, spawnStandIns, untilListening, type StandInsProcess } from "../../helpers/stand-ins-process.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };

let tree: number[] = [];

afterEach(() => {
  // Whatever a failed assertion left behind does not outlive the test.
  for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
  tree = [];
});

async function untilGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

async function started(command?: readonly [string, readonly string[]]): Promise<StandInsProcess> {
  const base = await freeConsecutivePorts(6);
  const standIns = command ? spawnStandIns({ STAND_INS_PORT: String(base) }, command) : spawnStandIns({ STAND_INS_PORT: String(base) });
  await untilListening(standIns);
  tree = processTree(standIns.child.pid!);
  return standIns;
}

// npm → the script's shell (exec'd away) → tsx → node running the stand-ins: a SIGTERM to the
// first must end the last, or a terminal closed mid-demo leaves six ports held.
describe("npm run stand-ins: stopping", () => {
  it("closes the servers and exits 0 on SIGTERM when run by node directly (as in the container)", async () => {
    const standIns = await started();
    standIns.child.kill("SIGTERM");
    expect(await standIns.exited).toBe(0);
    expect(await untilGone(tree, 2_000)).toEqual([]);
  });

  it("leaves no process behind when npm itself is sent SIGTERM", async () => {
    const standIns = await started(["npm", ["run", "--silent", "stand-ins"]]);
    // npm and the node running the servers (tsx is its loader): the shell in between has exec'd node.
    expect(tree.length).toBeGreaterThanOrEqual(2);
    standIns.child.kill("SIGTERM");
    await standIns.exited;
    expect(await untilGone(tree, 5_000)).toEqual([]);
  });

  it("exits 0 on SIGINT (Ctrl-C) as the npm script runs it", async () => {
    const standIns = await started(["sh", ["-c", pkg.scripts["stand-ins"]!]]);
    standIns.child.kill("SIGINT");
    expect(await standIns.exited).toBe(0);
    expect(await untilGone(tree, 2_000)).toEqual([]);
  });
});
