import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { backgroundListener, fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const server = new URL(POSTGRES_URL);

/** The shared server's URL with a database of this test's own, which does not exist yet. */
function urlOfNewDatabase(name: string, port = server.port || "5432"): string {
  const url = new URL(POSTGRES_URL);
  url.port = port;
  url.pathname = `/${name}`;
  return url.href;
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("the test services check, with PostgreSQL answering", () => {
  let fakes: FakeCommands;
  const created: string[] = [];
  afterEach(async () => {
    fakes.cleanUp();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const name of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    await client.end();
  });

  it("creates the tests' database when the server has none, says so in one line, and is silent the next time", async () => {
    fakes = fakeCommands();
    const name = `wr_services_${randomUUID().slice(0, 8)}`;
    created.push(name);
    const first = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: urlOfNewDatabase(name) });
    expect(first).toEqual({
      code: 0,
      stdout: `PostgreSQL at ${server.hostname}:${server.port || 5432} had no database "${name}": created it\n`,
      stderr: "",
    });
    expect(await databaseExists(name)).toBe(true);
    const second = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: urlOfNewDatabase(name) });
    expect(second).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("names the user it was refused, in one line", async () => {
    fakes = fakeCommands();
    const url = new URL(POSTGRES_URL);
    url.username = "no_such_role";
    const result = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: url.href });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `PostgreSQL at ${server.hostname}:${server.port || 5432} does not let user "no_such_role" in (role "no_such_role" does not exist): ` +
        'put a user and password it accepts in TEST_DATABASE_URL (see the README, "Running the tests")',
    );
  });

  it("starts an installed but stopped cluster with pg_ctlcluster, then creates the database", async () => {
    fakes = fakeCommands();
    const port = await unusedPort();
    // The fake cluster, once "started", is a TCP relay to the shared server: a real PostgreSQL
    // answers on the new port without the shared one ever being stopped.
    const relay = `const upstream = require("net").connect(${server.port || 5432}, "${server.hostname}"); socket.pipe(upstream).pipe(socket); socket.on("error", () => upstream.destroy()); upstream.on("error", () => socket.destroy());`;
    fakes.add("pg_lsclusters", `echo "15  main    ${port} down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"\n`);
    fakes.add("pg_ctlcluster", `FAKE_PORT=${port}\nexport FAKE_PORT\n${backgroundListener("FAKE_PORT", 500, relay)}`);
    const name = `wr_services_${randomUUID().slice(0, 8)}`;
    created.push(name);
    const result = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: urlOfNewDatabase(name, String(port)) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      `PostgreSQL is not answering at 127.0.0.1:${port}: starting it (pg_ctlcluster 15 main start)`,
      `PostgreSQL at 127.0.0.1:${port} had no database "${name}": created it`,
    ]);
    expect(fakes.calls()).toEqual(["pg_lsclusters --no-header", "pg_ctlcluster --skip-systemctl-redirect 15 main start"]);
    expect(await databaseExists(name)).toBe(true);
  });
});
