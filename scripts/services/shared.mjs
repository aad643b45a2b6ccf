// Plain Node, no dependencies: what the RabbitMQ and PostgreSQL checks share. Runs before anything
// is built or type-checked (the test command's global setup, `.ci/run`, `npm run demo`).
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createConnection } from "node:net";
import { delimiter, join } from "node:path";

/** A service that cannot be used, with the one line saying what is missing and how to get it. */
export class ServiceProblem extends Error {
  name = "ServiceProblem";
}

/** Resolves true when something accepts a TCP connection on host:port within `ms`. */
export function answers(host, port, ms = 1000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Polls host:port until it answers; false after `seconds`. */
export async function waitUntilAnswering(host, port, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await answers(host, port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return answers(host, port);
}

/** Only a server on this machine can be started from here. */
export function isLocal(host) {
  return ["127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0"].includes(host);
}

/**
 * The executable `name` from PATH, then from `extraDirs` (where packages put commands that are
 * not on a normal user's PATH, e.g. /usr/lib/rabbitmq/bin); undefined when it is in neither.
 */
export function findExecutable(name, env, extraDirs) {
  const dirs = [...(env.PATH ?? "").split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * The folders searched after PATH: `fallback`, or TEST_SERVICES_EXTRA_PATH when set (even empty),
 * so that tests can run these scripts on fake commands without ever finding the machine's servers.
 */
export function extraDirs(env, fallback) {
  const named = env.TEST_SERVICES_EXTRA_PATH;
  return named === undefined ? fallback : named.split(delimiter).filter(Boolean);
}

/**
 * Runs a command to its exit (not to the end of its output: a daemon it starts may keep the pipes
 * open), within `seconds`. Resolves { code, output } with the last output lines; never rejects.
 */
export function run(file, args, env, seconds) {
  return new Promise((resolve) => {
    // Its own process group: a Ctrl-C of the test run must not take down the server it started.
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => finish(null, `timed out after ${seconds} s`), seconds * 1000);
    const finish = (code, reason) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      resolve({ code, output: reason ?? output });
    };
    child.once("error", (error) => finish(null, error.message));
    child.once("exit", (code) => finish(code, undefined));
  });
}

/** The last non-empty line of a command's output, for a one-line message. */
export function lastLine(output) {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? "no output";
}

/** Host and port of a URL, with the scheme's default port. */
export function hostAndPort(url, defaultPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || defaultPort) };
}
