#!/usr/bin/env node
import { unsupportedNode } from "./node-version.js";

// Checked before the rest of the CLI is even loaded: on an older Node a dependency would fail
// while loading, with an error that names neither Node nor the version needed.
const problem = unsupportedNode(process.versions.node);
if (problem) {
  console.error(problem);
  // sysexits' EX_CONFIG: the installation, not the code, needs fixing.
  process.exitCode = 78;
} else {
  // A listing whose reader went away (`events | head -2`): what is left has nobody to read it.
  // Stop quietly, as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
  // Not for `start`: a router's log is not a listing, and it must not stop without draining.
  if (process.argv[2] !== "start") {
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(0);
    });
  }
  const { runCli } = await import("./run-command.js");
  await runCli(process.argv.slice(2));
}
