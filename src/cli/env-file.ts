import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { ConfigError } from "../config/config-error.js";

/**
 * Loads the dotenv file into `env` (process.env by default); variables already set win, so a
 * deployment's real settings are never overridden by a stray file. Which file:
 * - `ENV_FILE` unset: `./.env`, when it exists (the Quick start's `cp example.env .env`);
 * - `ENV_FILE=""`: none at all — how tests and containers say "the environment is everything";
 * - `ENV_FILE=path`: that file, which must exist: a mistyped path silently ignored would start
 *   the router on defaults.
 * Returns the file loaded, if any.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.ENV_FILE;
  if (named === "") return undefined;
  const path = named ?? ".env";
  if (!existsSync(path)) {
    if (named === undefined) return undefined;
    throw new ConfigError([
      {
        file: "environment",
        path: "ENV_FILE",
        message: `${path} does not exist (unset ENV_FILE to read ./.env when present, or set it empty to read no file)`,
      },
    ]);
  }
  for (const [key, value] of Object.entries(parseEnv(readFileSync(path, "utf8")))) {
    if (env[key] === undefined) env[key] = value;
  }
  return path;
}
