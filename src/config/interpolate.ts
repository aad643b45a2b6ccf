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
  standIns?: StandIns,
): unknown {
  if (typeof value === "string") return interpolateString(value, env, file, problems, path, standIns);
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, file, problems, [...path, i], standIns));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolate(item, env, file, problems, [...path, key], standIns);
    return out;
  }
  return value;
}

/**
 * For `webhook-router check`, which runs where production secrets are absent (a CI job): a missing
 * variable is recorded here, with where it was used, instead of being a problem.
 */
export interface StandIns {
  /** Variable name → the formatted paths that referenced it. */
  readonly missing: Map<string, string[]>;
}

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  file: string,
  problems: ConfigProblem[],
  path: PropertyKey[],
  standIns: StandIns | undefined,
): string {
  return text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return "${"; // the `$${` escape
    const found = env[name];
    if (fallback !== undefined) return found ? found : fallback;
    // An empty value is treated as unset: an empty secret is always a mistake.
    if (!found && standIns) {
      const where = standIns.missing.get(name) ?? [];
      standIns.missing.set(name, [...where, formatPath(path)]);
      return `unset-${name}`;
    }
    if (!found) {
      problems.push({ file, path: formatPath(path), message: `environment variable ${name} is not set` });
      return whole;
    }
    return found;
  });
}
