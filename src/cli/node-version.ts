/**
 * The oldest Node.js the router runs on, and why: undici 7 (outbound HTTP) needs 20.18.1;
 * better-sqlite3 12 ships for 20, 22 and later but not 21. (The CLI's env-file reading needs
 * 20.12.) Keep in step with `engines.node` in package.json.
 */
export const SUPPORTED_NODE = "^20.18.1 || >=22";

/** Says why `version` (as in `process.versions.node`, e.g. "20.11.1") cannot run the router, or undefined if it can. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  const ok = major >= 22 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1)));
  return ok ? undefined : `webhook-router needs Node.js 20.18.1 or later (20.18.1+, 22 or newer); this is Node.js ${version}`;
}
