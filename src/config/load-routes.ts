import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, formatPath, type ConfigProblem } from "./config-error.js";
import { interpolate } from "./interpolate.js";
import { routesFileSchema, type SourceConfig } from "./source-schema.js";

export interface Source extends SourceConfig {
  readonly id: string;
  /** The file that declared it, for messages. */
  readonly file: string;
}

/** The validated routing table, frozen: built once at start-up and passed explicitly. */
export interface RoutingTable {
  readonly sources: ReadonlyMap<string, Source>;
}

/**
 * Reads every `*.yaml`/`*.yml` in `dir` (sorted, so merges are deterministic), interpolates
 * `${VAR}` from `env`, validates, and merges. Collects every problem before failing.
 */
export function loadRoutes(dir: string, env: NodeJS.ProcessEnv = process.env): RoutingTable {
  const problems: ConfigProblem[] = [];
  const sources = new Map<string, Source>();
  for (const path of listRouteFiles(dir, problems)) {
    const file = relative(process.cwd(), path) || path;
    const parsed = parseFile(path, file, env, problems);
    for (const [id, source] of Object.entries(parsed?.sources ?? {})) {
      const earlier = sources.get(id);
      if (earlier) {
        problems.push({ file, path: `sources.${id}`, message: `source "${id}" is already declared in ${earlier.file}` });
        continue;
      }
      sources.set(id, Object.freeze({ ...source, id, file }));
    }
  }
  if (problems.length === 0 && sources.size === 0) {
    problems.push({ file: dir, path: "", message: "no sources declared: add a YAML file with a `sources:` map" });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ sources });
}

function listRouteFiles(dir: string, problems: ConfigProblem[]): string[] {
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    return readdirSync(dir)
      .filter((name) => /\.ya?ml$/i.test(name))
      .sort()
      .map((name) => join(dir, name));
  } catch (error) {
    problems.push({ file: dir, path: "", message: `cannot read the routes folder (${(error as Error).message})` });
    return [];
  }
}

function parseFile(
  path: string,
  file: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): z.infer<typeof routesFileSchema> | undefined {
  const document = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) problems.push({ file, path: "", message: `YAML: ${error.message.split("\n")[0]}` });
    return undefined;
  }
  const before = problems.length;
  const raw = interpolate(document.toJS() ?? {}, env, file, problems);
  if (problems.length > before) return undefined;
  const result = routesFileSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push({ file, path: formatPath(issue.path), message: issue.message });
    return undefined;
  }
  return result.data;
}
