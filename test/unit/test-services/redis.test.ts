import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answers, backgroundListener, fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

// A fake redis-server stands in for the real one, on a port of its own: the machine's Redis is
// never stopped or started by these tests.
describe("the test services check of Redis", () => {
  let fakes: FakeCommands;
  afterEach(() => fakes.cleanUp());

  it("names Redis and how to get it in one line when it is not installed, and exit code 1", async () => {
    fakes = fakeCommands();
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      `Redis is not answering at 127.0.0.1:${port} and is not installed (no redis-server on PATH or in any other folder): ` +
        "install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or run it in Docker with " +
        "`docker run -d --name redis -p 6379:6379 redis:7`, or set TEST_REDIS_URL to a server that runs",
    ]);
  });

  it("starts an installed one in the background on TEST_REDIS_URL's port, keeping nothing on disk, and says so in one line", async () => {
    fakes = fakeCommands();
    // Like the real one with --daemonize: returns at once, and the port opens a while later.
    fakes.add("redis-server", `export REDIS_PORT="$2"\n${backgroundListener("REDIS_PORT", 500)}`);
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      `Redis is not answering at 127.0.0.1:${port}: starting it (${fakes.dir}/redis-server --port ${port} --daemonize yes) and waiting for it`,
    ]);
    expect(fakes.calls()).toEqual([`redis-server --port ${port} --bind 127.0.0.1 --daemonize yes --save  --appendonly no`]);
    expect(await answers(port)).toBe(true);
  });

  it("leaves a Redis that answers alone", async () => {
    fakes = fakeCommands();
    fakes.add("redis-server", "exit 0\n");
    const redis = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => redis.listen(0, "127.0.0.1", resolve));
    const { port } = redis.address() as AddressInfo;
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    redis.close();
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fakes.calls()).toEqual([]);
  });

  it("says so in one line when redis-server is installed but cannot start, and how to start it by hand", async () => {
    fakes = fakeCommands();
    fakes.add("redis-server", 'echo "Can\'t open the log file: Permission denied" >&2\nexit 1\n');
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Redis is not answering at 127.0.0.1:${port} and \`${fakes.dir}/redis-server --port ${port} --daemonize yes\` failed ` +
        "(Can't open the log file: Permission denied): start it yourself, e.g. `sudo systemctl start redis-server`",
    );
  });

  it("does not try to start a Redis on another machine, and never prints TEST_REDIS_URL's password", async () => {
    fakes = fakeCommands();
    fakes.add("redis-server", "exit 0\n");
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: "redis://:s3cret-pass@redis.invalid:6379" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Redis is not answering at redis.invalid:6379 (TEST_REDIS_URL): start it there, or point TEST_REDIS_URL at a server that runs",
    );
    expect(fakes.calls()).toEqual([]);
  });

  it("fails in one line when the Redis it started never answers", async () => {
    fakes = fakeCommands();
    fakes.add("redis-server", "exit 0\n");
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "redis", TEST_REDIS_URL: `redis://127.0.0.1:${port}`, TEST_SERVICES_WAIT_S: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Redis was started (${fakes.dir}/redis-server --daemonize yes) but did not answer at 127.0.0.1:${port} within 1 s: see its log`,
    );
  });
});
