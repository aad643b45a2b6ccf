import { afterEach, describe, expect, it } from "vitest";
import { fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

describe("the test services check, with PostgreSQL not answering", () => {
  let fakes: FakeCommands;
  afterEach(() => fakes.cleanUp());

  it("names PostgreSQL and how to get it in one line when it is not installed", async () => {
    fakes = fakeCommands();
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      `PostgreSQL is not answering at 127.0.0.1:${port} and is not installed (no pg_ctlcluster or pg_ctl found): ` +
        "install it with `sudo apt-get install -y postgresql` (Debian/Ubuntu) or run it in Docker with " +
        "`docker run -d --name postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`, or set TEST_DATABASE_URL to a server that runs",
    ]);
  });

  it("names each, one line each, when none of RabbitMQ, PostgreSQL and Redis is installed", async () => {
    fakes = fakeCommands();
    const [amqpPort, pgPort, redisPort] = [await unusedPort(), await unusedPort(), await unusedPort()];
    const result = await fakes.runScript({
      AMQP_URL: `amqp://127.0.0.1:${amqpPort}`,
      TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/test`,
      TEST_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^RabbitMQ is not answering at 127\\.0\\.0\\.1:${amqpPort} and is not installed`));
    expect(lines[1]).toMatch(new RegExp(`^PostgreSQL is not answering at 127\\.0\\.0\\.1:${pgPort} and is not installed`));
    expect(lines[2]).toMatch(new RegExp(`^Redis is not answering at 127\\.0\\.0\\.1:${redisPort} and is not installed`));
  });

  it("says which cluster it could not start, and how to start it by hand", async () => {
    fakes = fakeCommands();
    const port = await unusedPort();
    fakes.add("pg_lsclusters", `echo "15  main    ${port} down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"\n`);
    fakes.add("pg_ctlcluster", 'echo "Error: You must run this program as the cluster owner (postgres) or root" >&2\nexit 1\n');
    const result = await fakes.runScript({ TEST_SERVICES: "postgres", TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `PostgreSQL is not answering at 127.0.0.1:${port} and \`pg_ctlcluster 15 main start\` failed ` +
        "(Error: You must run this program as the cluster owner (postgres) or root): start it yourself, e.g. `sudo pg_ctlcluster 15 main start`",
    );
  });
});
