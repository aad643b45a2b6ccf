// The built router's processes for the cluster fault scenarios: one ingress and workers, each a
// child process (`node dist/cli/main.js start --role …`) whose JSON log lines are kept, parsed.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SECRET = "cluster-faults-secret";

/** A routes folder: the tracktile source (HMAC-signed) and one route `orders` to the sink. */
export function writeRoutes(dir, sinkUrl) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "routes.yaml"),
    [
      "sources:",
      "  tracktile:",
      '    verify: { preset: tracktile, secrets: [ "${TRACKTILE_WEBHOOK_SECRET}" ] }',
      "    event: { type: [body:kind, url], id: body:id, subject: body:orderId }",
      "destinations:",
      // Which worker made each call: a crash's repeats are told from duplicates by it.
      `  sink: { kind: http, url: "${sinkUrl}/orders", timeoutMs: 2000, headers: { x-caller: "\${FAULTS_CALLER}" } }`,
      "routes:",
      "  orders:",
      "    events: tracktile.#",
      "    destination: sink",
      "    retry: { attempts: 5, baseDelay: 200ms, maxDelay: 2s }",
      "",
    ].join("\n"),
  );
}

/** Starts `node dist/cli/main.js start --role <role>` and resolves once it listens. */
export async function startRouter(role, env) {
  const child = spawn(process.execPath, ["dist/cli/main.js", "start", "--role", role], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ADMIN_PORT: "off",
      TRACKTILE_WEBHOOK_SECRET: SECRET,
      NODE_OPTIONS: "--max-old-space-size=512",
      ...env,
      ENV_FILE: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = [];
  let partial = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) logs.push(parse(line));
  });
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = once(child, "exit");
  const port = await listeningPort(logs, child, () => stderr);
  return {
    role,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    logs,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

function parse(line) {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}

async function listeningPort(logs, child, stderr) {
  for (let waited = 0; waited < 20_000; waited += 20) {
    const line = logs.find((entry) => typeof entry.port === "number");
    if (line) return line.port;
    if (child.exitCode !== null) throw new Error(`the router (${child.pid}) exited before listening:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the router did not listen within 20 s:\n${stderr()}`);
}

/** /readyz's body, or undefined while it does not answer. */
export async function readyz(url) {
  const answer = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (!answer) return undefined;
  return { status: answer.status, body: await answer.json().catch(() => ({})) };
}

/** The node (1–3, by AMQP port) a process's connection `name` last connected to. */
export function nodeOf(router, name, ports) {
  const line = router.logs.findLast((entry) => entry.connection === name && entry.msg === "connected to the broker");
  const port = Number(/:(\d+)$/.exec(String(line?.broker ?? ""))?.[1]);
  const index = ports.indexOf(port);
  return index < 0 ? undefined : index + 1;
}
