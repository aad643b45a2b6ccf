#!/usr/bin/env node
// `npm run demo`: the whole system on the bundled example routes, in one terminal — RabbitMQ
// (started when installed but stopped, else one line saying how to get it), the stand-ins of
// Tracktile's API, QuickBooks, Odoo and ShipBob (`npm run stand-ins`), and the router (`npm start`).
// Ctrl-C or SIGTERM stops both children and waits for them: nothing is left running.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { ensureRabbitMq, RABBITMQ_DIRS } from "./services/rabbitmq.mjs";
import { extraDirs, ServiceProblem } from "./services/shared.mjs";

const CLI = "dist/cli/main.js";

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

if (!existsSync(CLI)) fail(`${CLI} is missing: run \`npm ci\` (or \`npm run build\`) first`);

// The broker the router will use: AMQP_URL from the environment or, as the CLI reads it, ./.env.
const { loadEnvFile } = await import("../dist/cli/env-file.js");
const settings = { ...process.env };
try {
  loadEnvFile(settings);
} catch (error) {
  fail(error.message);
}
try {
  const url = settings.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
  await ensureRabbitMq({ url, env: process.env, log: (line) => console.log(`demo: ${line}`), extraDirs: extraDirs(process.env, RABBITMQ_DIRS) });
} catch (error) {
  fail(error instanceof ServiceProblem ? error.message : String(error));
}

// Each child in its own process group: a terminal's Ctrl-C reaches only this process, which then
// stops each child exactly once (a second SIGINT would cut the router's drain short).
const start = (name, file, args) => {
  const child = spawn(file, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return { name, child, exited };
};
const children = [
  // tsx as a loader, not its CLI: one process, so when it has exited nothing of it is left (the
  // CLI runs the script in a child that can outlive it by a moment).
  start("stand-ins", process.execPath, ["--import", "tsx", "test/stand-ins.ts"]),
  start("router", process.execPath, [CLI, "start"]),
];

let stopping = false;
async function stopAll(reason, code) {
  if (stopping) return;
  stopping = true;
  console.log(`demo: ${reason}: stopping the router and the stand-ins`);
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.all(children.map(({ exited }) => exited));
  process.exit(code);
}

process.on("SIGINT", () => stopAll("SIGINT", 0));
process.on("SIGTERM", () => stopAll("SIGTERM", 0));
// One of them ending on its own (a port in use, a configuration error) ends the demo.
for (const { name, exited } of children) exited.then((code) => stopAll(`the ${name} exited (code ${code})`, code === 0 ? 1 : code));
