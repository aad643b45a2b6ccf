import { readFileSync } from "node:fs";
import { locate, locateInValue, parseYamlFile, type YamlFile } from "./yaml-locations.js";

/** The `file` of a problem with an environment variable; its `path` is the variable's name. */
export const ENVIRONMENT = "environment";

/** One thing wrong in the configuration, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  /** The file, or `environment` for variables. */
  readonly file: string;
  /** Dotted path inside the file, e.g. `sources.tracktile.verify.preset`; the variable's name for `environment`. */
  readonly path: string;
  readonly message: string;
  /** A character of the string at `path` the problem is about (a JSONata syntax error's position). */
  readonly offset?: number | undefined;
  /** 1-based line and column in `file`, where known. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * Misconfiguration: stops start-up with one message listing every problem found. The CLI prints
 * `message` and exits; a stack trace would only hide the line that matters. A problem in a YAML
 * file that its finder did not locate (a JSONata syntax error found while compiling a route) is
 * located here, from the file, so every problem names its line and column.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const located = withLocations(problems);
    super(formatProblems(located));
    this.problems = located;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${formatProblem(p)}`);
  const noun = problems.length === 1 ? "problem" : "problems";
  return `invalid configuration (${problems.length} ${noun}):\n${lines.join("\n")}`;
}

/** `routes/sources.yaml:12:7 at sources.tracktile.verify.preset: …`, or `environment variable PORT: …`. */
export function formatProblem(problem: ConfigProblem): string {
  if (problem.file === ENVIRONMENT) return `environment variable ${problem.path}: ${problem.message}`;
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${where}${problem.path ? ` at ${problem.path}` : ""}: ${problem.message}`;
}

/** Renders a zod-style path (`["sources","a","secrets",0]`) as `sources.a.secrets[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** The inverse of formatPath, for problems that carry only the text: `a.b[0]` → `["a","b",0]`. */
export function parsePath(path: string): PropertyKey[] {
  const keys: PropertyKey[] = [];
  for (const part of path.split(".")) {
    const [name, ...indexes] = part.split("[");
    if (name) keys.push(name);
    for (const index of indexes) keys.push(Number(index.replace("]", "")));
  }
  return keys;
}

function withLocations(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const files = new Map<string, YamlFile | undefined>();
  return problems.map((problem) => {
    if (problem.line !== undefined || !problem.path || !/\.ya?ml$/i.test(problem.file)) return problem;
    if (!files.has(problem.file)) files.set(problem.file, readYaml(problem.file));
    const file = files.get(problem.file);
    const keys = parsePath(problem.path);
    const at = file && ((problem.offset !== undefined ? locateInValue(file, keys, problem.offset) : undefined) ?? locate(file, keys));
    return at ? { ...problem, line: at.line, column: at.column } : problem;
  });
}

function readYaml(path: string): YamlFile | undefined {
  try {
    return parseYamlFile(readFileSync(path, "utf8"));
  } catch {
    return undefined; // the message without a line is still right
  }
}
