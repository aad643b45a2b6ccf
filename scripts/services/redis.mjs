// Redis for the shared rate-limit tests: use it if it answers, start it if it is installed,
// otherwise one line saying how to get it.
import { answers, findExecutable, hostAndPort, isLocal, lastLine, run, ServiceProblem, waitUntilAnswering } from "./shared.mjs";

/** Where redis-server may be when it is not on PATH (a source build, Homebrew). */
export const REDIS_DIRS = ["/usr/local/bin", "/opt/homebrew/bin", "/usr/sbin"];

const HOW_TO_GET =
  "install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or run it in Docker with " +
  "`docker run -d --name redis -p 6379:6379 redis:7`, or set TEST_REDIS_URL to a server that runs";

/**
 * Makes sure Redis answers at `url`'s host and port. Starts a local, installed but stopped one on
 * that port, in the background, keeping nothing on disk (`--save "" --appendonly no`): the tests
 * need counters, not a database. Resolves "answering" or "started"; rejects with a ServiceProblem.
 */
export async function ensureRedis({ url, env, log, extraDirs = REDIS_DIRS, waitSeconds = 30 }) {
  const { host, port } = hostAndPort(url, 6379);
  const where = `${host}:${port}`;
  if (await answers(host, port)) return "answering";
  if (!isLocal(host))
    throw new ServiceProblem(`Redis is not answering at ${where} (TEST_REDIS_URL): start it there, or point TEST_REDIS_URL at a server that runs`);

  const server = findExecutable("redis-server", env, extraDirs);
  if (!server) {
    throw new ServiceProblem(
      `Redis is not answering at ${where} and is not installed (no redis-server on PATH or in ${extraDirs.join(", ") || "any other folder"}): ${HOW_TO_GET}`,
    );
  }
  const bind = host === "::1" ? "::1" : "127.0.0.1";
  const args = ["--port", String(port), "--bind", bind, "--daemonize", "yes", "--save", "", "--appendonly", "no"];
  log(`Redis is not answering at ${where}: starting it (${server} --port ${port} --daemonize yes) and waiting for it`);
  const started = await run(server, args, env, 30);
  if (started.code !== 0) {
    throw new ServiceProblem(
      `Redis is not answering at ${where} and \`${server} --port ${port} --daemonize yes\` failed (${lastLine(started.output)}): start it yourself, e.g. \`sudo systemctl start redis-server\``,
    );
  }
  if (!(await waitUntilAnswering(host, port, waitSeconds)))
    throw new ServiceProblem(`Redis was started (${server} --daemonize yes) but did not answer at ${where} within ${waitSeconds} s: see its log`);
  return "started";
}
