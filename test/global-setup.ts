import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ensureTestServices } from "../scripts/test-services.mjs";

/**
 * Before any integration test: RabbitMQ and PostgreSQL answer (started when installed but stopped;
 * when not installed, the run stops with one line per missing service saying how to get it), and
 * `dist/` is built fresh, since CLI tests run it as users do.
 */
export default async function setup(): Promise<void> {
  try {
    await ensureTestServices();
  } catch (error) {
    // The message is the whole story. Thrown, vitest would bury it under a stack and a misleading
    // "No test files found"; no test has started yet, so stopping here loses nothing.
    console.error((error as Error).message);
    process.exit(1);
  }
  build();
}

/**
 * Type errors do not stop the emit (CI type-checks separately with `tsc --noEmit`), so they are
 * reported here without hiding the behaviour the tests are about.
 */
function build(): void {
  try {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "pipe" });
  } catch (error) {
    const output = String((error as { stdout?: Buffer }).stdout ?? "");
    if (!existsSync("dist/cli/main.js")) throw new Error(`build failed:\n${output}`);
    console.warn(`build finished with type errors (run npx tsc --noEmit):\n${output.slice(0, 2000)}`);
  }
  // The ops console (the browser tests open it); esbuild does not type-check, so it only fails on syntax.
  execFileSync(process.execPath, ["scripts/build-console.mjs", "--quiet"], { stdio: "inherit" });
}
