import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `scripts/test-services.mjs` run as the test command runs it, but on a folder of fake server
 * commands instead of the machine's: PATH holds only that folder and no other folder is searched,
 * so the shared RabbitMQ and PostgreSQL are never touched (or started twice).
 */
export interface FakeCommands {
  readonly dir: string;
  /** Adds an executable shell script `name` whose body is `body`; `$NODE`, `$CALLS` and `$PIDS` are set. */
  add(name: string, body: string): void;
  /** Each call of a fake, in order: "name arg1 arg2". */
  calls(): string[];
  /** Runs the script with `env`; resolves its exit code and output. */
  runScript(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Ends the listeners the fakes started (by the pids they wrote) and removes the folder. */
  cleanUp(): void;
}

export function fakeCommands(): FakeCommands {
  const dir = mkdtempSync(join(tmpdir(), "wr-fake-commands-"));
  const calls = join(dir, "calls.log");
  const pids = join(dir, "pids");
  return {
    dir,
    add(name, body) {
      const file = join(dir, name);
      const header = `#!/bin/sh\nNODE='${process.execPath}'\nCALLS='${calls}'\nPIDS='${pids}'\necho "${name} $*" >> "$CALLS"\n`;
      writeFileSync(file, header + body);
      chmodSync(file, 0o755);
    },
    calls: () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []),
    runScript(env) {
      return new Promise((resolve) => {
        const child = execFile(
          process.execPath,
          ["scripts/test-services.mjs"],
          { env: { PATH: dir, TEST_SERVICES_EXTRA_PATH: "", ...env }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
      });
    },
    cleanUp() {
      if (existsSync(pids)) {
        for (const pid of readFileSync(pids, "utf8").trim().split("\n").filter(Boolean)) {
          try {
            process.kill(Number(pid));
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Shell lines that start, in the background, a TCP listener on $PORT_VAR after `delayMs`, recording its pid. */
export function backgroundListener(portVariable: string, delayMs: number, onConnection = "socket.end()"): string {
  const program = `setTimeout(() => require("net").createServer((socket) => { ${onConnection} }).listen(Number(process.env.${portVariable}), "127.0.0.1"), ${delayMs})`;
  return `"$NODE" -e '${program}' >/dev/null 2>&1 &\necho $! >> "$PIDS"\n`;
}

/** A loopback port nothing listens on (bound, read, released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts a connection on 127.0.0.1:port right now. */
export function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
