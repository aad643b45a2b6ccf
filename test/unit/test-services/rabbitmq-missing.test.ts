import { afterEach, describe, expect, it } from "vitest";
import { fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

// The test command's check of RabbitMQ when nothing answers and nothing can be started.
describe("the test services check, with RabbitMQ neither answering nor installed", () => {
  let fakes: FakeCommands;
  afterEach(() => fakes.cleanUp());

  it("stops at once with one line naming what is missing and how to get it, and exit code 1", async () => {
    fakes = fakeCommands();
    const port = await unusedPort();
    const started = Date.now();
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      `RabbitMQ is not answering at 127.0.0.1:${port} and is not installed (no rabbitmq-server on PATH or in any other folder): ` +
        "install it with `sudo apt-get install -y rabbitmq-server` (Debian/Ubuntu) or run it in Docker with " +
        "`docker run -d --name rabbitmq -p 5672:5672 rabbitmq:4-management`, or set AMQP_URL to a broker that runs",
    ]);
    expect(result.stderr).not.toMatch(/ECONNREFUSED|at .*\.mjs/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("does not try to start a broker on another machine, and never prints AMQP_URL's password", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", "exit 0\n");
    // A name that cannot resolve: the check cannot reach it, and must not start a local one for it.
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: "amqp://app:s3cret-pass@broker.invalid:5672" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "RabbitMQ is not answering at broker.invalid:5672 (AMQP_URL): start it there, or point AMQP_URL at a broker that runs",
    );
    expect(fakes.calls()).toEqual([]);
  });

  it("says so in one line when rabbitmq-server is installed but cannot start it", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", 'echo "Only root or rabbitmq should run rabbitmq-server" >&2\nexit 1\n');
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: `amqp://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `RabbitMQ is not answering at 127.0.0.1:${port} and \`${fakes.dir}/rabbitmq-server -detached\` failed ` +
        "(Only root or rabbitmq should run rabbitmq-server): start it yourself, e.g. `sudo systemctl start rabbitmq-server`",
    );
  });
});
