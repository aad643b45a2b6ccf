import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { NEEDS } from "../../../src/cli/command-needs.js";
import { AMQP_URL, refusedBroker } from "../../helpers/rabbit.js";

const run = promisify(execFile);

async function cli(amqpUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ["dist/cli/main.js", ...args], {
    env: { PATH: process.env.PATH, ENV_FILE: "", ROUTES_DIR: "routes", AMQP_URL: amqpUrl },
    timeout: 15_000,
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const withPassword = (password: string) => refusedBroker(password).url;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("CLI commands that cannot connect to RabbitMQ", () => {
  const user = new URL(AMQP_URL).username;
  const host = new URL(AMQP_URL).host;

  it.each([
    ["dlq", ["dlq", "list"]],
    ["tail", ["tail"]],
  ] as const)("%s with a wrong password: one line naming user and host and what the command needs, exit 78, no password", async (name, args) => {
    const result = await cli(withPassword("not-the-password"), ...args);
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(
      `webhook-router ${name}: RabbitMQ at amqp://${user}@${host} refused the credentials (ACCESS_REFUSED): check the user and password in AMQP_URL (RabbitMQ's guest user may only connect from localhost) (${NEEDS[name]})\n`,
    );
    expect(result.stdout + result.stderr).not.toContain("not-the-password");
  });

  it("dlq list with nothing listening: one line asking whether it runs, exit 69", async () => {
    const port = await closedPort();
    const result = await cli(`amqp://guest:guest@127.0.0.1:${port}`, "dlq", "list");
    expect(result.code).toBe(69);
    expect(result.stderr).toBe(
      `webhook-router dlq: could not reach RabbitMQ at amqp://guest@127.0.0.1:${port} (ECONNREFUSED): is it running, and are AMQP_URL's host and port right? (${NEEDS.dlq})\n`,
    );
  });
});
