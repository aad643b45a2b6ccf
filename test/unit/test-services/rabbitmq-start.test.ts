import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answers, backgroundListener, fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

// A fake rabbitmq-server stands in for the real one, on a port of its own: the shared broker is
// never stopped or started by these tests.
describe("the test services check, with RabbitMQ installed but not running", () => {
  let fakes: FakeCommands;
  afterEach(() => fakes.cleanUp());

  it("starts it detached on AMQP_URL's port, waits until it answers and has booted, and says so in one line", async () => {
    fakes = fakeCommands();
    // Like the real one: returns at once, and the port opens a while later.
    fakes.add("rabbitmq-server", backgroundListener("RABBITMQ_NODE_PORT", 1500));
    fakes.add("rabbitmqctl", "exit 0\n");
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      `RabbitMQ is not answering at 127.0.0.1:${port}: starting it (${fakes.dir}/rabbitmq-server -detached) and waiting for it`,
    ]);
    expect(fakes.calls()).toEqual(["rabbitmq-server -detached", "rabbitmqctl await_startup"]);
    // It exited only once the broker answered.
    expect(await answers(port)).toBe(true);
  });

  it("leaves a broker that answers alone", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", "exit 0\n");
    const broker = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
    const { port } = broker.address() as AddressInfo;
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: `amqp://127.0.0.1:${port}` });
    broker.close();
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fakes.calls()).toEqual([]);
  });

  it("fails in one line when the broker it started never answers", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", "exit 0\n");
    const port = await unusedPort();
    const result = await fakes.runScript({ TEST_SERVICES: "rabbitmq", AMQP_URL: `amqp://127.0.0.1:${port}`, TEST_SERVICES_WAIT_S: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `RabbitMQ was started (${fakes.dir}/rabbitmq-server -detached) but did not answer at 127.0.0.1:${port} within 1 s: see \`rabbitmq-diagnostics status\` and its log`,
    );
  });
});
