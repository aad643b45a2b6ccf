import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * CLI tests run the built `dist/`, as users do: build it once, fresh, before any test. Type errors
 * do not stop the emit (CI type-checks separately with `tsc --noEmit`), so they are reported here
 * without hiding the behaviour the tests are about.
 */
export default function setup(): void {
  try {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "pipe" });
  } catch (error) {
    const output = String((error as { stdout?: Buffer }).stdout ?? "");
    if (!existsSync("dist/cli/main.js")) throw new Error(`build failed:\n${output}`);
    console.warn(`build finished with type errors (run npx tsc --noEmit):\n${output.slice(0, 2000)}`);
  }
}
