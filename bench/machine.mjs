// What the figures were measured on: they mean little without it.
import { execFile } from "node:child_process";
import { cpus, freemem, loadavg, release, totalmem } from "node:os";
import { promisify } from "node:util";
import { ROOT } from "./processes.mjs";

const run = promisify(execFile);

async function output(command, args) {
  try {
    const { stdout } = await run(command, args, { timeout: 15_000, cwd: ROOT });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

export async function describeMachine() {
  const cores = cpus();
  const gib = (bytes) => Math.round((bytes / 1024 ** 3) * 10) / 10;
  const [rabbitmq, commit, dirty] = await Promise.all([
    output("rabbitmqctl", ["version"]),
    output("git", ["rev-parse", "--short", "HEAD"]),
    output("git", ["status", "--porcelain", "--", "src", "package.json"]),
  ]);
  return {
    cpu: cores[0]?.model ?? "unknown",
    cores: cores.length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    kernel: release(),
    node: process.version,
    rabbitmq: rabbitmq ?? "unknown (rabbitmqctl not available)",
    commit: commit === undefined ? "unknown" : `${commit}${dirty ? " + uncommitted changes in src/" : ""}`,
  };
}

export function formatMachine(machine) {
  return [
    `cpu      ${machine.cpu} × ${machine.cores} cores (shared with RabbitMQ and the load generator)`,
    `memory   ${machine.memoryGiB} GiB (${machine.freeMemoryGiB} GiB free), load average ${machine.loadAverage1m}`,
    `node     ${machine.node}, kernel ${machine.kernel}`,
    `rabbitmq ${machine.rabbitmq}`,
    `code     ${machine.commit}`,
  ].join("\n");
}
