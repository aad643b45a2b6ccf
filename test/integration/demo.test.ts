import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AMQP_URL } from "../helpers/rabbit.js";
import { loadRoutes } from "../../src/config/load-routes.js";
import { deleteRouteQueues, EXAMPLE_SECRETS } from "../helpers/router.js";
import { unusedPort } from "../helpers/services-script.js";
import { portVariable, type StandInName } from "../helpers/stand-ins-ports.js";

/**
 * A free port for each stand-in, asked of the system one by one: a base port's next three (the
 * STAND_INS_PORT default) may be an outgoing connection's, as happened once in CI.
 */
async function freeStandInPorts(): Promise<Record<string, string>> {
  const names: StandInName[] = ["tracktile", "quickbooks", "odoo", "shipbob", "trackvia", "tracktik"];
  const ports: Record<string, string> = {};
  for (const name of names) {
    let port = String(await unusedPort());
    while (Object.values(ports).includes(port)) port = String(await unusedPort());
    ports[portVariable(name)] = port;
  }
  return ports;
}

interface Demo {
  readonly child: ChildProcess;
  /** Its route queues' prefix: deleted after the test (quorum queues left behind weigh on the broker). */
  readonly queuePrefix: string;
  output(): string;
  exited: Promise<number | null>;
}

/** `npm run demo`'s script, on its own exchange and queues, no admin port, a free public port. */
function startDemo(env: Record<string, string>): Demo {
  const queuePrefix = `test-demo-${randomUUID().slice(0, 8)}.`;
  const child = spawn(process.execPath, ["scripts/demo.mjs"], {
    env: {
      PATH: process.env.PATH,
      ...EXAMPLE_SECRETS,
      AMQP_URL,
      AMQP_EXCHANGE: `test.demo.${randomUUID()}`,
      QUEUE_PREFIX: queuePrefix,
      DATA_DIR: mkdtempSync(join(tmpdir(), "wr-demo-")),
      ADMIN_PORT: "off",
      PORT: "0",
      // Never the machine's rabbitmq-server: only what PATH holds (the shared broker answers anyway).
      TEST_SERVICES_EXTRA_PATH: "",
      ...env,
      ENV_FILE: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, queuePrefix, output: () => output, exited };
}

async function until(condition: () => boolean, what: () => string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the name (field 2) may hold spaces, hence the last ")".
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run demo", () => {
  let demo: Demo | undefined;
  afterEach(async () => {
    if (demo && demo.child.exitCode === null) {
      demo.child.kill("SIGTERM");
      await demo.exited;
    }
    if (demo) await deleteRouteQueues(demo.queuePrefix, loadRoutes("routes", { ...process.env, ...EXAMPLE_SECRETS }));
  });

  it("runs the stand-ins and the router together, and on SIGTERM stops both and leaves nothing running", async () => {
    demo = startDemo({ ...(await freeStandInPorts()) });
    const current = demo;
    await until(() => current.output().includes("stand-ins listening") && current.output().includes('"msg":"workers'), current.output);
    const below = descendants(current.child.pid!);
    expect(below.length).toBeGreaterThanOrEqual(2);
    current.child.kill("SIGTERM");
    expect(await current.exited).toBe(0);
    expect(current.output()).toContain("demo: SIGTERM: stopping the router and the stand-ins");
    expect(current.output()).toContain('"msg":"shut down cleanly"');
    // The stand-ins' esbuild service (tsx's loader runs one) ends when its parent's pipe closes,
    // a moment after the parent itself: gone within a second, never left running.
    await until(
      () => below.filter(alive).length === 0,
      () => `still running: ${below.filter(alive).join(", ")}`,
      2000,
    );
  });

  it("stops the stand-ins and exits non-zero when the router cannot start", async () => {
    // The router's port is taken: it exits 1 at once, and the demo must not leave the stand-ins behind.
    const { createServer } = await import("node:net");
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as { port: number };
    demo = startDemo({ PORT: String(port), HOST: "127.0.0.1", ...(await freeStandInPorts()) });
    const current = demo;
    // tsx and the stand-ins under it, and the router, seen before the demo stops them.
    let below: number[] = [];
    await until(() => {
      below = descendants(current.child.pid!);
      return below.length >= 3 || current.child.exitCode !== null;
    }, current.output);
    const code = await current.exited;
    holder.close();
    expect(code).toBe(1);
    expect(current.output()).toMatch(/demo: the router exited \(code 1\): stopping the router and the stand-ins/);
    await until(
      () => below.filter(alive).length === 0,
      () => `still running: ${below.filter(alive).join(", ")}`,
      5000,
    );
  });

  it("names RabbitMQ and how to get it in one line when it is neither answering nor installed", async () => {
    const port = await unusedPort();
    demo = startDemo({ AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}`, PATH: mkdtempSync(join(tmpdir(), "wr-empty-path-")) });
    const current = demo;
    expect(await current.exited).toBe(1);
    expect(current.output().trim().split("\n")).toHaveLength(1);
    expect(current.output()).toMatch(
      new RegExp(`^demo: RabbitMQ is not answering at 127\\.0\\.0\\.1:${port} and is not installed \\(no rabbitmq-server on PATH or in `),
    );
  });
});
