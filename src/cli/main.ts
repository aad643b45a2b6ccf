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
  const { runCli } = await import("./run-command.js");
  await runCli(process.argv.slice(2));
}
