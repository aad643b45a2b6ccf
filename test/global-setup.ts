import { execFileSync } from "node:child_process";

/** CLI tests run the built `dist/`, as users do: build it once, fresh, before any test. */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
