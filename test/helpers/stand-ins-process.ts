import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";

/** `npm run stand-ins` (or another command running test/stand-ins.ts) as a child process. */
export interface StandInsProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal) once the process has exited. */
  readonly exited: Promise<number | string | null>;
}

/** Runs the stand-ins directly under node with tsx's loader: one process, as in the container. */
export const DIRECT: readonly [string, readonly string[]] = [process.execPath, ["--import", "tsx", "test/stand-ins.ts"]];

/** Starts the stand-ins with `env` (and no .env file: ENV_FILE is empty, as in every test), in `cwd`. */
export function spawnStandIns(
  env: Record<string, string>,
  command: readonly [string, readonly string[]] = DIRECT,
  cwd = process.cwd(),
): StandInsProcess {
  const child = spawn(command[0], command[1], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ENV_FILE: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until the stand-ins say they listen; fails with what they printed if they exit first. */
export async function untilListening(standIns: StandInsProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void standIns.exited.then(() => (exited = true));
  while (!standIns.stdout().includes("Ctrl-C to stop")) {
    if (exited || Date.now() > deadline) throw new Error(`stand-ins did not start:\n${standIns.stdout()}\n${standIns.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `count` consecutive free loopback ports (for STAND_INS_PORT), found by holding them all at once. */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const held: Server[] = [];
    try {
      for (let offset = 0; offset < count; offset++) {
        const server = createServer().listen(base + offset, "127.0.0.1");
        held.push(server);
        await once(server, "listening");
      }
      return base;
    } catch {
      // One of them is taken: try elsewhere.
    } finally {
      await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** `root` and every process descended from it, by `ps`. */
export function processTree(root: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid]) => ({ pid: Number(pid), ppid: Number(ppid) }));
  const family = [root];
  for (let grown = true; grown; ) {
    grown = false;
    for (const row of rows) {
      if (family.includes(row.ppid) && !family.includes(row.pid)) {
        family.push(row.pid);
        grown = true;
      }
    }
  }
  return family;
}

/** Whether `pid` still runs (a zombie waiting to be reaped has finished: it does not count). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" })
      .trim()
      .startsWith("Z");
  } catch {
    return false;
  }
}
