import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { AMQP_URL } from "./rabbit.js";
import { EXAMPLE_SECRETS } from "./router.js";

/** The built router (`node dist/cli/main.js start`) as a child process: what a SIGKILL really kills. */
export interface RouterProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line it has written so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const CLI = "dist/cli/main.js";

/**
 * Starts the router on a free loopback port with `env` on top of test defaults, and resolves
 * once /healthz answers. Needs DATA_DIR (a test's own temp dir: the spool is per process).
 */
export async function startRouterProcess(
  env: Record<string, string> & { DATA_DIR: string },
  options: {
    role?: "all" | "ingress" | "worker" | "scheduler";
    /** Another way to start it (`npm start`): the file and arguments to spawn. */
    command?: readonly [file: string, args: readonly string[]];
  } = {},
): Promise<RouterProcess> {
  const [file, args] = options.command ?? [process.execPath, [CLI, "start", "--role", options.role ?? "all"]];
  const child = spawn(file, args, { env: routerProcessEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = "";
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) logs.push(parseLine(line));
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, "exit").then(([code]) => code as number | null);

  const port = await listeningPort(logs, exited, () => stderr);
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url);
  return {
    url,
    child,
    logs,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { msg: line };
  }
}

/** PORT=0: the port is in the start-up log line (the first with a numeric `port`). */
async function listeningPort(logs: Array<Record<string, unknown>>, exited: Promise<number | null>, stderr: () => string): Promise<number> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let waited = 0; waited < 15_000; waited += 20) {
    const line = logs.find((entry) => typeof entry.port === "number");
    if (typeof line?.port === "number") return line.port;
    if (gone) throw new Error(`the router exited before listening:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the router did not start listening within 15 s:\n${stderr()}`);
}

async function untilHealthy(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const answer = await fetch(`${url}/healthz`).catch(() => undefined);
    if (answer?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`router at ${url} did not answer /healthz`);
}

/**
 * The environment of a router started as a child process: a free loopback port, the shared
 * broker, the shipped routes with their example secrets, debug logs, no admin API, then `env`
 * on top — and never a `.env` file, whatever `env` says.
 */
export function routerProcessEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PORT: "0",
    HOST: "127.0.0.1",
    AMQP_URL,
    ROUTES_DIR: "routes",
    LOG_LEVEL: "debug",
    ADMIN_PORT: "off",
    ...EXAMPLE_SECRETS,
    ...env,
    ENV_FILE: "",
  };
}
