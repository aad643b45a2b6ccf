import type { ConfigProblem } from "./config-error.js";
import { formatPath } from "./config-error.js";

// `${NAME}` must be set and non-empty; `${NAME:-fallback}` may be unset or empty. `$${` escapes a literal `${`.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` references in every string of a parsed YAML document. Done on parsed values,
 * not on the file text, so a secret containing quotes or newlines can never change the YAML's
 * structure. Every missing variable is reported, not just the first.
 */
export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  file: string,
  problems: ConfigProblem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === "string") return interpolateString(value, env, file, problems, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, file, problems, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolate(item, env, file, problems, [...path, key]);
    return out;
  }
  return value;
}

/**
 * An environment for `webhook-router check`, which runs where production secrets are absent (a
 * CI job): every variable reads as a visible stand-in instead of failing the check.
 */
export function standInEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return new Proxy(env, {
    get: (target, name) => (typeof name === "string" && !target[name] ? `unset-${name}` : target[name as string]),
  });
}

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  file: string,
  problems: ConfigProblem[],
  path: PropertyKey[],
): string {
  return text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return "${"; // the `$${` escape
    const found = env[name];
    if (fallback !== undefined) return found ? found : fallback;
    // An empty value is treated as unset: an empty secret is always a mistake.
    if (!found) {
      problems.push({ file, path: formatPath(path), message: `environment variable ${name} is not set` });
      return whole;
    }
    return found;
  });
}
