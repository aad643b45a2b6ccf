import { existsSync } from "node:fs";

/**
 * Loads `ENV_FILE` (default `./.env`) into process.env when it exists. Variables already set in
 * the environment win, so a deployment's real settings are never overridden by a stray file.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.ENV_FILE || ".env";
  if (!existsSync(path)) {
    if (env.ENV_FILE) throw new Error(`ENV_FILE points to ${path}, which does not exist`);
    return undefined;
  }
  process.loadEnvFile(path);
  return path;
}
