// PostgreSQL for the shared-state tests: use it if it answers, start it if it is installed, create
// the tests' database when the server has none (a fresh server has only `postgres`), otherwise one
// line saying how to get it.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { answers, findExecutable, hostAndPort, isLocal, lastLine, run, ServiceProblem, waitUntilAnswering } from "./shared.mjs";

/** Debian keeps pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH. */
export const POSTGRES_DIRS = existsSync("/usr/lib/postgresql")
  ? readdirSync("/usr/lib/postgresql").map((version) => `/usr/lib/postgresql/${version}/bin`)
  : [];

const HOW_TO_GET =
  "install it with `sudo apt-get install -y postgresql` (Debian/Ubuntu) or run it in Docker with " +
  "`docker run -d --name postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`, or set TEST_DATABASE_URL to a server that runs";

/** Makes sure PostgreSQL answers at `url` and its database exists. Resolves "answering", "started" or "created". */
export async function ensurePostgres({ url, env, log, extraDirs = POSTGRES_DIRS, waitSeconds = 30 }) {
  const { host, port } = hostAndPort(url, 5432);
  const where = `${host}:${port}`;
  let outcome = "answering";
  if (!(await answers(host, port))) {
    if (!isLocal(host))
      throw new ServiceProblem(
        `PostgreSQL is not answering at ${where} (TEST_DATABASE_URL): start it there, or point TEST_DATABASE_URL at a server that runs`,
      );
    await start({ where, port, env, log, extraDirs });
    if (!(await waitUntilAnswering(host, port, waitSeconds)))
      throw new ServiceProblem(`PostgreSQL was started but did not answer at ${where} within ${waitSeconds} s: see its log`);
    outcome = "started";
  }
  return (await ensureDatabase(url, where, log)) ? "created" : outcome;
}

async function start({ where, port, env, log, extraDirs }) {
  const ctlcluster = findExecutable("pg_ctlcluster", env, extraDirs);
  if (ctlcluster) {
    // Debian/Ubuntu: the cluster that owns the port, from pg_lsclusters ("15 main 5432 down …").
    const listed = await run(findExecutable("pg_lsclusters", env, [dirname(ctlcluster)]) ?? "pg_lsclusters", ["--no-header"], env, 30);
    const cluster = listed.output
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .find((fields) => fields[2] === String(port));
    if (!cluster)
      throw new ServiceProblem(
        `PostgreSQL is not answering at ${where} and no cluster is set up on port ${port} (pg_lsclusters): create one with \`sudo pg_createcluster <version> main --start\`, or set TEST_DATABASE_URL`,
      );
    const [version, name] = cluster;
    log(`PostgreSQL is not answering at ${where}: starting it (pg_ctlcluster ${version} ${name} start)`);
    const started = await run(ctlcluster, ["--skip-systemctl-redirect", version, name, "start"], env, 60);
    if (started.code !== 0)
      throw new ServiceProblem(
        `PostgreSQL is not answering at ${where} and \`pg_ctlcluster ${version} ${name} start\` failed (${lastLine(started.output)}): start it yourself, e.g. \`sudo pg_ctlcluster ${version} ${name} start\``,
      );
    return;
  }
  const ctl = findExecutable("pg_ctl", env, extraDirs);
  if (!ctl)
    throw new ServiceProblem(`PostgreSQL is not answering at ${where} and is not installed (no pg_ctlcluster or pg_ctl found): ${HOW_TO_GET}`);
  if (!env.PGDATA)
    throw new ServiceProblem(
      `PostgreSQL is not answering at ${where}; it is installed (${ctl}) but PGDATA is not set, so its data folder is unknown: start it yourself, or set PGDATA`,
    );
  log(`PostgreSQL is not answering at ${where}: starting it (pg_ctl -D ${env.PGDATA} start)`);
  const started = await run(ctl, ["-D", env.PGDATA, "-l", join(env.PGDATA, "server.log"), "-w", "start"], env, 90);
  if (started.code !== 0)
    throw new ServiceProblem(`PostgreSQL is not answering at ${where} and \`pg_ctl -D ${env.PGDATA} start\` failed (${lastLine(started.output)})`);
}

/** Creates the URL's database when the server says it does not exist; true when it did. */
async function ensureDatabase(url, where, log) {
  const { default: pg } = await import("pg");
  const connect = async (connectionString) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      throw new ServiceProblem(describe(error, where, new URL(url).username || "the current user"), { cause: error });
    }
  };
  try {
    await (await connect(url)).end();
    return false;
  } catch (error) {
    if (error.cause?.code !== "3D000") throw error;
  }
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = await connect(admin.href);
  try {
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    log(`PostgreSQL at ${where} had no database "${database}": created it`);
  } catch (error) {
    // Another test run created it first: just as good.
    if (error.code !== "42P04")
      throw new ServiceProblem(`PostgreSQL at ${where} has no database "${database}" and creating it failed: ${error.message}`);
  } finally {
    await client.end().catch(() => {});
  }
  return true;
}

/** One line for a connection PostgreSQL refused; never the password. */
function describe(error, where, user) {
  const refusedUser = ["28P01", "28000"].includes(error.code) || /password/i.test(error.message);
  if (refusedUser) {
    return `PostgreSQL at ${where} does not let user "${user}" in (${error.message}): put a user and password it accepts in TEST_DATABASE_URL (see the README, "Running the tests")`;
  }
  return `PostgreSQL at ${where} refused the connection: ${error.message}`;
}
