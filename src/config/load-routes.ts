import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { DestinationConfig } from "../adapters/schema.js";
import { ConfigError, formatPath, type ConfigProblem } from "./config-error.js";
import { interpolate } from "./interpolate.js";
import type { RouteConfig } from "./route-schema.js";
import { routesFileSchema, type RoutesFile } from "./routes-file-schema.js";
import type { SourceConfig } from "./source-schema.js";

/** Where an entry was declared, for messages. */
interface Declared {
  readonly id: string;
  readonly file: string;
}

export type Source = SourceConfig & Declared;
export type Destination = DestinationConfig & Declared;
export type Route = RouteConfig & Declared;

/** The validated routing table, frozen: built once at start-up and passed explicitly. */
export interface RoutingTable {
  readonly sources: ReadonlyMap<string, Source>;
  readonly destinations: ReadonlyMap<string, Destination>;
  readonly routes: ReadonlyMap<string, Route>;
}

type Section = "sources" | "destinations" | "routes";
const SECTIONS: readonly Section[] = ["sources", "destinations", "routes"];

/**
 * Reads every `*.yaml`/`*.yml` in `dir` (sorted, so merges are deterministic), interpolates
 * `${VAR}` from `env`, validates, merges, and checks that every route names a declared
 * destination. Collects every problem before failing.
 */
export function loadRoutes(dir: string, env: NodeJS.ProcessEnv = process.env): RoutingTable {
  const problems: ConfigProblem[] = [];
  const merged = { sources: new Map(), destinations: new Map(), routes: new Map() } as {
    sources: Map<string, Source>;
    destinations: Map<string, Destination>;
    routes: Map<string, Route>;
  };
  for (const path of listRouteFiles(dir, problems)) {
    const file = relative(process.cwd(), path) || path;
    const parsed = parseFile(path, file, env, problems);
    if (!parsed) continue;
    for (const section of SECTIONS) {
      const target = merged[section] as Map<string, Declared>;
      for (const [id, entry] of Object.entries(parsed[section] ?? {})) {
        const earlier = target.get(id);
        if (earlier) {
          problems.push({ file, path: `${section}.${id}`, message: `"${id}" is already declared in ${earlier.file}` });
          continue;
        }
        target.set(id, Object.freeze({ ...entry, id, file }));
      }
    }
  }
  for (const route of merged.routes.values()) {
    if (!merged.destinations.has(route.destination)) {
      const known = [...merged.destinations.keys()].join(", ") || "none declared";
      problems.push({
        file: route.file,
        path: `routes.${route.id}.destination`,
        message: `unknown destination "${route.destination}" (known: ${known})`,
      });
    }
  }
  if (problems.length === 0 && merged.sources.size === 0 && merged.routes.size === 0) {
    problems.push({ file: dir, path: "", message: "nothing declared: add a YAML file with `sources:` (and `destinations:`/`routes:`)" });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(merged);
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

function parseFile(path: string, file: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): RoutesFile | undefined {
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
