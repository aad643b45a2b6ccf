import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fakeCommands, unusedPort, type FakeCommands } from "../../helpers/services-script.js";

// AMQP_URL may list several nodes (a cluster): the check the demo and the tests run must read it.
describe("the test services check, with AMQP_URL listing several nodes", () => {
  let fakes: FakeCommands;
  let listener: Server | undefined;
  afterEach(() => {
    fakes.cleanUp();
    listener?.close();
  });

  it("is satisfied when one node of the list answers, and starts nothing", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", "exit 0\n");
    const down = await unusedPort();
    listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener!.listen(0, "127.0.0.1", resolve));
    const up = (listener.address() as { port: number }).port;
    const result = await fakes.runScript({
      TEST_SERVICES: "rabbitmq",
      AMQP_URL: `amqp://guest:guest@127.0.0.1:${down},amqp://guest:guest@127.0.0.1:${up}`,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(fakes.calls()).toEqual([]);
  });

  it("says in one line that no node answers, names each without its password, and starts none", async () => {
    fakes = fakeCommands();
    fakes.add("rabbitmq-server", "exit 0\n");
    const [a, b] = [await unusedPort(), await unusedPort()];
    const result = await fakes.runScript({
      TEST_SERVICES: "rabbitmq",
      AMQP_URL: `amqp://app:s3cret@127.0.0.1:${a},amqp://app:s3cret@127.0.0.1:${b}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `RabbitMQ is not answering at any node of AMQP_URL (127.0.0.1:${a}, 127.0.0.1:${b}): ` +
        "start the cluster (`npm run cluster -- start` runs one on this machine), or point AMQP_URL at nodes that run",
    );
    expect(fakes.calls()).toEqual([]);
  });
});
