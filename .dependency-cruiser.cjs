// Folder layering and cycle check for src/ (`npm run lint:deps`, part of `npm run lint`).
// Layering: each top-level folder of src/ imports only the folders listed for it below, never one above.
// The README's "Code map" states the same rule; test/unit/code-map.test.ts keeps the two in step.
// Parsed with swc (@swc/core): TypeScript 7 has no JavaScript compiler API, and swc keeps
// `import type` / `import { type X }` in its syntax tree, so type-only imports count like any other.

/** A rule: modules under `from` may import, inside src/, only the folders in `allowed` (and their own). */
function layer(name, from, allowed, comment) {
  const own = `^src/${from}/`;
  return {
    name,
    comment,
    severity: "error",
    from: { path: own },
    to: { path: "^src/", pathNot: [own, ...allowed.map((folder) => `^src/${folder}/`)] },
  };
}

const ROOT = "^src/(main|env)\\.ts$";

module.exports = {
  forbidden: [
    // contracts are the ports every part implements; anything they imported would be imported by everyone.
    layer("contracts-import-nothing", "contracts", [], "contracts is the bottom layer: it imports nothing from src/"),
    // The leaf parts know only the contracts (state also its env slice's parsers), so each can be read, tested and replaced alone.
    layer("verify-layer", "verify", ["contracts"], "verify knows only contracts"),
    layer("events-layer", "events", ["contracts"], "events knows only contracts"),
    layer("adapters-layer", "adapters", ["contracts"], "adapters know only contracts"),
    layer("state-layer", "state", ["contracts", "config"], "state knows only contracts, and config for its slice of the environment"),
    layer("lifecycle-layer", "lifecycle", ["contracts"], "lifecycle knows only contracts"),
    // Above the leaves, each folder names exactly the lower folders it builds on; anything else would be an upward arrow.
    layer(
      "config-layer",
      "config",
      ["contracts", "verify", "adapters", "events"],
      "config validates against the parts' own schemas, so it sits just above them",
    ),
    layer("mapping-layer", "mapping", ["contracts", "config", "adapters", "events"], "mapping turns configured events into adapter calls"),
    layer("broker-layer", "broker", ["contracts", "config", "events"], "broker publishes events; it knows nothing of ingress, workers or ops"),
    layer("spool-layer", "spool", ["contracts", "config", "events", "broker"], "spool buffers for the broker and sits just above it"),
    layer(
      "ingress-layer",
      "ingress",
      ["contracts", "config", "verify", "events"],
      "ingress hands events to a sink port; it never reaches the broker or ops",
    ),
    layer(
      "worker-layer",
      "worker",
      ["contracts", "config", "adapters", "mapping", "broker", "state", "events"],
      "workers consume from the broker and deliver; ops and ingress are not theirs to call",
    ),
    layer(
      "poll-layer",
      "poll",
      ["contracts", "config", "events", "state"],
      "the scheduler pulls polling sources into an event sink port; broker, spool and ops are wired to it by main",
    ),
    layer(
      "ops-layer",
      "ops",
      ["contracts", "config", "verify", "events", "adapters", "state", "lifecycle", "mapping", "broker"],
      "ops observes the parts through their ports; spool, ingress and worker are wired to it by main",
    ),
    // main.ts and env.ts compose everything; the CLI drives them, never the other way round.
    {
      name: "root-not-to-cli",
      comment: "the composition root may use every folder but cli, which sits on top of it",
      severity: "error",
      from: { path: ROOT },
      to: { path: "^src/cli/" },
    },
    // A file in src/ itself belongs to no layer. Its importers already break their own layer rule; this catches the file itself.
    // (100 is the largest count the schema accepts: "fewer than 100 dependents" means any such file.)
    {
      name: "no-stray-root-file",
      comment: "only main.ts and env.ts live in src/ itself; everything else belongs in a folder",
      severity: "error",
      module: { path: "^src/[^/]+$", pathNot: ROOT, numberOfDependentsLessThan: 100 },
      from: {},
    },
    // Within ops, admin is the top (it serves the others); alerts and the delivery log must not lean on it.
    {
      name: "ops-alerts-not-to-admin",
      comment: "alerts are below admin inside ops; operations.ts composes them",
      severity: "error",
      from: { path: "^src/ops/alerts/" },
      to: { path: "^src/ops/admin/" },
    },
    {
      name: "ops-docs-not-to-admin",
      comment: "the generated documents are below admin inside ops: the admin API and the CLI serve them",
      severity: "error",
      from: { path: "^src/ops/docs/" },
      to: { path: "^src/ops/admin/" },
    },
    {
      name: "ops-delivery-log-not-to-admin",
      comment: "the delivery log is below admin inside ops; operations.ts composes them",
      severity: "error",
      from: { path: "^src/ops/delivery-log/" },
      to: { path: "^src/ops/admin/" },
    },
    // A cycle of modules is a cycle of folders in disguise, and `import type` counts: types tie layers too.
    {
      name: "no-circular",
      comment: "no module may reach itself through its imports, type-only imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    // The criterion itself: folders, subfolders included (ops/alerts, ops/admin, …), form no cycle.
    // Across top-level folders the layer rules already forbid one; this also covers sibling subfolders.
    {
      name: "no-folder-cycle",
      comment: "no folder may reach itself through its modules' imports",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
    // Shipped code must not depend on files that are not shipped.
    {
      name: "src-not-to-tests-or-tools",
      comment: "src/ is what ships; test/, bench/ and scripts/ are not in the package",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench|scripts)/" },
    },
    // The ops console runs in the browser: it talks to the router over HTTP only, and the router never loads it.
    {
      name: "console-not-to-src",
      comment: "console/ is browser code: it must not import the server's modules (they would be bundled into the page)",
      severity: "error",
      from: { path: "^console/" },
      to: { path: "^src/" },
    },
    {
      name: "src-not-to-console",
      comment: "the admin server serves the built console as files; it never imports its source",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^console/" },
    },
    // An import the checker cannot resolve is one it cannot check: fail rather than pass silently.
    {
      name: "not-to-unresolvable",
      comment: "every import must resolve, or the rules above would miss it",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 ships no compiler API; swc parses .ts and keeps type-only imports.
    parser: "swc",
    // Only src/ is checked: an import into test/ etc. is reported, but what that file imports in turn is not.
    doNotFollow: { path: ["node_modules", "^(test|bench|scripts)/"] },
    exclude: { path: "^(dist|node_modules)/" },
  },
};
