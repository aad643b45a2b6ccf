// RabbitMQ for the tests and the demo: use it if it answers, start it if it is installed, otherwise
// one line saying how to get it.
import { dirname } from "node:path";
import { answers, findExecutable, hostAndPort, isLocal, lastLine, run, ServiceProblem, waitUntilAnswering } from "./shared.mjs";

/** Where packages put rabbitmq-server when it is not on PATH (Debian's /usr/lib/rabbitmq/bin). */
export const RABBITMQ_DIRS = ["/usr/lib/rabbitmq/bin", "/usr/lib/rabbitmq/sbin", "/usr/local/sbin", "/opt/homebrew/sbin"];

const HOW_TO_GET =
  "install it with `sudo apt-get install -y rabbitmq-server` (Debian/Ubuntu) or run it in Docker with " +
  "`docker run -d --name rabbitmq -p 5672:5672 rabbitmq:4-management`, or set AMQP_URL to a broker that runs";

/**
 * Makes sure RabbitMQ answers at `url`'s host and port. Starts a local, installed but stopped one
 * (`rabbitmq-server -detached` on that port, then waits for the port and `rabbitmqctl
 * await_startup`). Resolves "answering" or "started"; rejects with a ServiceProblem.
 */
export async function ensureRabbitMq({ url, env, log, extraDirs = RABBITMQ_DIRS, waitSeconds = 90 }) {
  const nodes = nodeUrls(url);
  if (nodes.length > 1) return ensureSomeNode(nodes);
  const { host, port } = hostAndPort(url, 5672);
  const where = `${host}:${port}`;
  if (await answers(host, port)) return "answering";
  if (!isLocal(host))
    throw new ServiceProblem(`RabbitMQ is not answering at ${where} (AMQP_URL): start it there, or point AMQP_URL at a broker that runs`);

  const server = findExecutable("rabbitmq-server", env, extraDirs);
  if (!server) {
    throw new ServiceProblem(
      `RabbitMQ is not answering at ${where} and is not installed (no rabbitmq-server on PATH or in ${extraDirs.join(", ") || "any other folder"}): ${HOW_TO_GET}`,
    );
  }
  log(`RabbitMQ is not answering at ${where}: starting it (${server} -detached) and waiting for it`);
  const started = await run(server, ["-detached"], { ...env, RABBITMQ_NODE_PORT: String(port) }, 60);
  if (started.code !== 0) {
    throw new ServiceProblem(
      `RabbitMQ is not answering at ${where} and \`${server} -detached\` failed (${lastLine(started.output)}): start it yourself, e.g. \`sudo systemctl start rabbitmq-server\``,
    );
  }
  if (!(await waitUntilAnswering(host, port, waitSeconds))) {
    throw new ServiceProblem(
      `RabbitMQ was started (${server} -detached) but did not answer at ${where} within ${waitSeconds} s: see \`rabbitmq-diagnostics status\` and its log`,
    );
  }
  // The port opens before the broker has finished booting; declaring queues too early fails.
  const ctl = findExecutable("rabbitmqctl", env, [dirname(server), ...extraDirs]);
  if (ctl) {
    const booted = await run(ctl, ["await_startup"], env, 120);
    if (booted.code !== 0)
      throw new ServiceProblem(`RabbitMQ answers at ${where} but \`rabbitmqctl await_startup\` failed (${lastLine(booted.output)})`);
  }
  return "started";
}

/**
 * AMQP_URL's nodes: a comma starts a new URL only where a scheme follows (the router's own rule,
 * src/broker/broker-urls.ts), so a password holding a comma stays one URL.
 */
function nodeUrls(url) {
  return url
    .split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * A cluster (several nodes in AMQP_URL) is fine while one node answers, as the router fails over to
 * it. Nothing is started: which nodes to run, and how, is the cluster's business.
 */
async function ensureSomeNode(nodes) {
  const places = nodes.map((node) => hostAndPort(node, 5672));
  for (const { host, port } of places) if (await answers(host, port)) return "answering";
  const where = places.map(({ host, port }) => `${host}:${port}`).join(", ");
  throw new ServiceProblem(
    `RabbitMQ is not answering at any node of AMQP_URL (${where}): start the cluster (\`npm run cluster -- start\` runs one on this machine), or point AMQP_URL at nodes that run`,
  );
}
