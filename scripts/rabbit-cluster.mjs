#!/usr/bin/env node
// A three-node RabbitMQ cluster on this machine, for failover tests and trying AMQP_URL lists:
//   npm run cluster -- start | stop | status | stop-node N | start-node N | urls
// Nodes rc1@localhost…rc3@localhost on AMQP ports 5681–5683 (dist ports 25681–25683), all state
// under RABBIT_CLUSTER_DIR (default /tmp/webhook-router-cluster). The shared broker
// (rabbit@localhost, 5672) is never touched: every command names its node with -n.
// Plain Node, no dependencies, so CI can run it before anything is built.
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { pathToFileURL } from "node:url";
import { answers, extraDirs, findExecutable, lastLine, run, ServiceProblem } from "./services/shared.mjs";
import { RABBITMQ_DIRS } from "./services/rabbitmq.mjs";

export const NODE_COUNT = 3;
const AMQP_BASE_PORT = 5680;
const DIST_BASE_PORT = 25680;

/** Node n (1-based): its name, ports, directory and AMQP URL. */
export function clusterNode(n, baseDir = clusterDir()) {
  const dir = join(baseDir, `rc${n}`);
  const port = AMQP_BASE_PORT + n;
  return { n, name: `rc${n}@localhost`, port, distPort: DIST_BASE_PORT + n, dir, url: `amqp://guest:guest@127.0.0.1:${port}` };
}

export function clusterDir(env = process.env) {
  return env.RABBIT_CLUSTER_DIR || "/tmp/webhook-router-cluster";
}

/** The three AMQP URLs, comma-separated: what AMQP_URL takes to use the whole cluster. */
export function clusterUrls(baseDir = clusterDir()) {
  return nodes(baseDir)
    .map((node) => node.url)
    .join(",");
}

function nodes(baseDir) {
  return Array.from({ length: NODE_COUNT }, (_, i) => clusterNode(i + 1, baseDir));
}

/**
 * The commands. As root, the packaged wrappers in /usr/sbin, which drop to the `rabbitmq` user
 * (and share its Erlang cookie); as anyone else, the scripts themselves, run as that user.
 */
function tools(env) {
  const root = userInfo().uid === 0;
  const dirs = extraDirs(env, root ? ["/usr/sbin", ...RABBITMQ_DIRS] : RABBITMQ_DIRS);
  // Not root: the unwrapped scripts first (the /usr/sbin wrappers refuse anyone but root and rabbitmq).
  const server = root
    ? findExecutable("rabbitmq-server", env, dirs)
    : (findExecutable("rabbitmq-server", {}, dirs) ?? findExecutable("rabbitmq-server", env, []));
  if (!server) {
    throw new ServiceProblem(
      `rabbitmq-server is not installed (not on PATH${dirs.length ? ` or in ${dirs.join(", ")}` : ""}): install it with \`sudo apt-get install -y rabbitmq-server\` to run the three-node cluster`,
    );
  }
  const ctl = server.replace(/rabbitmq-server$/, "rabbitmqctl");
  return { server, ctl, queues: server.replace(/rabbitmq-server$/, "rabbitmq-queues"), root };
}

/** Why the cluster cannot be started here (rabbitmq-server not installed), in one line; undefined when it can. */
export function missingServer(env = process.env) {
  try {
    tools(env);
    return undefined;
  } catch (error) {
    if (error instanceof ServiceProblem) return error.message;
    throw error;
  }
}

export { ServiceProblem };

function nodeEnv(node, env) {
  return {
    ...env,
    RABBITMQ_NODENAME: node.name,
    RABBITMQ_NODE_PORT: String(node.port),
    RABBITMQ_DIST_PORT: String(node.distPort),
    RABBITMQ_CONFIG_FILE: join(node.dir, "rabbitmq"),
    RABBITMQ_MNESIA_BASE: join(node.dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(node.dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(node.dir, "enabled_plugins"),
    RABBITMQ_PID_FILE: join(node.dir, "pid"),
  };
}

/** The node's files: the server drops to the `rabbitmq` user and can write nowhere else. */
function prepare(node, root) {
  mkdirSync(join(node.dir, "log"), { recursive: true });
  mkdirSync(join(node.dir, "mnesia"), { recursive: true });
  writeFileSync(join(node.dir, "rabbitmq.conf"), `listeners.tcp.local = 127.0.0.1:${node.port}\nloopback_users = none\n`);
  writeFileSync(join(node.dir, "enabled_plugins"), "[].\n");
  rmSync(join(node.dir, "pid"), { force: true });
  if (root) chownTree(node.dir, "rabbitmq");
}

function chownTree(path, user) {
  const { uid, gid } = idOf(user);
  const walk = (at) => {
    chownSync(at, uid, gid);
    if (statSync(at).isDirectory()) for (const entry of readdirSync(at)) walk(join(at, entry));
  };
  walk(path);
}

function idOf(user) {
  const line = (readText("/etc/passwd") ?? "").split("\n").find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new ServiceProblem(`no \`${user}\` user on this machine: is rabbitmq-server installed from its package?`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function readText(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

async function ctl(t, node, args, env, seconds = 60) {
  return run(t.ctl, ["-n", node.name, ...args], env, seconds);
}

async function isRunning(t, node, env) {
  if (!(await answers("127.0.0.1", node.distPort, 500))) return false;
  return (await ctl(t, node, ["ping"], env, 20)).code === 0;
}

async function boot(t, node, env) {
  const started = await run(t.server, ["-detached"], nodeEnv(node, env), 60);
  if (started.code !== 0) throw new ServiceProblem(`${node.name}: \`rabbitmq-server -detached\` failed (${lastLine(started.output)})`);
  // -detached returns before the Erlang node is reachable, and await_startup fails at once until it is.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const booted = await ctl(t, node, ["await_startup", "--timeout", "90"], env, 100);
    if (booted.code === 0) return;
    if (Date.now() > deadline)
      throw new ServiceProblem(`${node.name} did not finish booting (${lastLine(booted.output)}): see ${join(node.dir, "log")}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function runningNodes(t, node, env) {
  const status = await ctl(t, node, ["cluster_status", "--formatter", "json"], env, 30);
  if (status.code !== 0) return [];
  try {
    return JSON.parse(status.output.slice(status.output.indexOf("{"))).running_nodes ?? [];
  } catch {
    return [];
  }
}

async function joinCluster(t, node, first, env) {
  if ((await runningNodes(t, first, env)).includes(node.name)) return;
  for (const args of [["stop_app"], ["join_cluster", first.name], ["start_app"]]) {
    const result = await ctl(t, node, args, env, 90);
    if (result.code !== 0) throw new ServiceProblem(`${node.name}: \`rabbitmqctl ${args.join(" ")}\` failed (${lastLine(result.output)})`);
  }
}

/**
 * Starts what is not running and clusters it. With no node running, leftovers of an earlier run
 * are wiped first: a cluster restarted from old data waits for the node that stopped last.
 */
export async function startCluster({ env = process.env, log = () => {} } = {}) {
  const t = tools(env);
  const baseDir = clusterDir(env);
  const all = nodes(baseDir);
  const running = await Promise.all(all.map((node) => isRunning(t, node, env)));
  if (!running.some(Boolean)) rmSync(baseDir, { recursive: true, force: true });
  mkdirSync(baseDir, { recursive: true });
  const began = Date.now();
  const missing = all.filter((_, i) => !running[i]);
  for (const node of missing) {
    if (await answers("127.0.0.1", node.port, 500)) throw new ServiceProblem(`port ${node.port} is taken by something else than ${node.name}`);
    prepare(node, t.root);
  }
  if (t.root) chownTree(baseDir, "rabbitmq");
  await Promise.all(missing.map((node) => boot(t, node, env)));
  for (const node of all.slice(1)) await joinCluster(t, node, all[0], env);
  const members = await runningNodes(t, all[0], env);
  if (members.length !== NODE_COUNT) throw new ServiceProblem(`the cluster runs ${members.length} of ${NODE_COUNT} nodes: ${members.join(", ")}`);
  const seconds = (Date.now() - began) / 1000;
  log(missing.length === 0 ? "all three nodes already run" : `started ${missing.map((node) => node.name).join(", ")} in ${seconds.toFixed(1)} s`);
  return { urls: clusterUrls(baseDir), nodes: all, bootSeconds: missing.length ? seconds : 0 };
}

/** Stops every node that runs and removes their files. */
export async function stopCluster({ env = process.env, log = () => {} } = {}) {
  const t = tools(env);
  const baseDir = clusterDir(env);
  await Promise.all(nodes(baseDir).map((node) => stopNode(node.n, { env, log })));
  rmSync(baseDir, { recursive: true, force: true });
  log(`stopped; removed ${baseDir}`);
  return t;
}

/** Stops one node (a fault); its data stays, so start-node brings it back into the cluster. */
export async function stopNode(n, { env = process.env, log = () => {} } = {}) {
  const t = tools(env);
  const node = clusterNode(n, clusterDir(env));
  if (!(await isRunning(t, node, env))) return log(`${node.name} is not running`);
  const pid = join(node.dir, "pid");
  const result = await ctl(t, node, existsSync(pid) ? ["stop", pid] : ["stop"], env, 60);
  if (result.code !== 0) throw new ServiceProblem(`${node.name}: \`rabbitmqctl stop\` failed (${lastLine(result.output)})`);
  log(`stopped ${node.name}`);
}

/** Starts one stopped node again with its data: it rejoins the cluster. */
export async function startNode(n, { env = process.env, log = () => {} } = {}) {
  const t = tools(env);
  const node = clusterNode(n, clusterDir(env));
  if (await isRunning(t, node, env)) return log(`${node.name} already runs`);
  const began = Date.now();
  prepare(node, t.root);
  await boot(t, node, env);
  log(`started ${node.name} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

/** The leader node (1–3) of each quorum queue whose name starts with `prefix`, asked of a running node. */
export async function queueLeaders(prefix, { env = process.env } = {}) {
  const t = tools(env);
  const asked = await firstRunning(t, env);
  const listed = await ctl(t, asked, ["list_queues", "name", "leader", "--formatter", "json"], env, 30);
  if (listed.code !== 0) throw new ServiceProblem(`${asked.name}: \`rabbitmqctl list_queues\` failed (${lastLine(listed.output)})`);
  const rows = JSON.parse(listed.output.slice(listed.output.indexOf("[")));
  const byName = new Map();
  for (const row of rows) {
    const node = nodes(clusterDir(env)).find((candidate) => candidate.name === row.leader);
    if (row.name.startsWith(prefix) && node) byName.set(row.name, node.n);
  }
  return byName;
}

/**
 * Moves a quorum queue's leadership off node n: removes n's replica (the other two elect a
 * leader) and adds it back as a follower. RabbitMQ 3.10 has no command to hand leadership over.
 */
export async function moveLeaderOff(queue, n, { env = process.env } = {}) {
  const t = tools(env);
  const node = clusterNode(n, clusterDir(env));
  for (const command of ["delete_member", "add_member"]) {
    const result = await run(t.queues, ["-n", node.name, command, queue, node.name], env, 60);
    if (result.code !== 0) throw new ServiceProblem(`\`rabbitmq-queues ${command} ${queue} ${node.name}\` failed (${lastLine(result.output)})`);
  }
}

async function firstRunning(t, env) {
  for (const node of nodes(clusterDir(env))) if (await isRunning(t, node, env)) return node;
  throw new ServiceProblem("no cluster node runs");
}

export async function clusterStatus({ env = process.env } = {}) {
  const t = tools(env);
  const all = nodes(clusterDir(env));
  const up = await Promise.all(all.map((node) => isRunning(t, node, env)));
  const anyUp = all.find((_, i) => up[i]);
  const members = anyUp ? await runningNodes(t, anyUp, env) : [];
  return all.map((node, i) => ({ ...node, running: up[i], clustered: members.includes(node.name) }));
}

async function main(argv) {
  const [command, arg] = argv;
  const log = (line) => process.stdout.write(`rabbit-cluster: ${line}\n`);
  const n = Number(arg);
  if ((command === "stop-node" || command === "start-node") && !(n >= 1 && n <= NODE_COUNT))
    throw new ServiceProblem(`${command} needs a node number 1–${NODE_COUNT}`);
  if (command === "start") {
    const { urls } = await startCluster({ log });
    process.stdout.write(`AMQP_URL=${urls}\n`);
  } else if (command === "stop") await stopCluster({ log });
  else if (command === "stop-node") await stopNode(n, { log });
  else if (command === "start-node") await startNode(n, { log });
  else if (command === "urls") process.stdout.write(`${clusterUrls()}\n`);
  else if (command === "status") {
    for (const node of await clusterStatus()) {
      log(`${node.name} ${node.url} ${node.running ? (node.clustered ? "running, clustered" : "running") : "stopped"}`);
    }
  } else throw new ServiceProblem("usage: rabbit-cluster.mjs start | stop | status | urls | stop-node N | start-node N");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`rabbit-cluster: ${error instanceof ServiceProblem ? error.message : error.stack}\n`);
    process.exit(1);
  });
}
