import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { DestinationConfig } from "../adapters/schema.js";
import { ConfigError, formatPath, type ConfigProblem } from "./config-error.js";
import { interpolate, type StandIns } from "./interpolate.js";
import type { RouteConfig } from "./route-schema.js";
import { routesFileShape, sections, type Section } from "./routes-file-schema.js";
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

export interface LoadOptions {
  /**
   * For `check`: unset variables are recorded here instead of failing, and a destination whose
   * only problems come from them is kept unvalidated (check never calls a destination).
   */
  readonly standIns?: StandIns;
}

const SECTIONS: readonly Section[] = ["sources", "destinations", "routes"];

/**
 * Reads every `*.yaml`/`*.yml` in `dir` (sorted, so merges are deterministic), interpolates
 * `${VAR}` from `env`, validates each entry, merges, and checks that every route names a declared
 * destination. Collects every problem before failing.
 */
export function loadRoutes(dir: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): RoutingTable {
  const problems: ConfigProblem[] = [];
  const merged = { sources: new Map(), destinations: new Map(), routes: new Map() } as {
    sources: Map<string, Source>;
    destinations: Map<string, Destination>;
    routes: Map<string, Route>;
  };
  for (const path of listRouteFiles(dir, problems)) {
    const file = relative(process.cwd(), path) || path;
    for (const { section, id, entry } of readEntries(path, file, env, problems, options.standIns)) {
      const target = merged[section] as Map<string, Declared>;
      const earlier = target.get(id);
      if (earlier) {
        problems.push({ file, path: `${section}.${id}`, message: `"${id}" is already declared in ${earlier.file}` });
        continue;
      }
      target.set(id, Object.freeze({ ...(entry as object), id, file }));
    }
  }
  for (const route of merged.routes.values()) {
    if (!merged.destinations.has(route.destination)) {
      const known = [...merged.destinations.keys()].join(", ") || "none declared";
      problems.push({ file: route.file, path: `routes.${route.id}.destination`, message: `unknown destination "${route.destination}" (known: ${known})` });
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

interface Entry {
  readonly section: Section;
  readonly id: string;
  readonly entry: unknown;
}

function readEntries(path: string, file: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[], standIns: StandIns | undefined): Entry[] {
  const document = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) problems.push({ file, path: "", message: `YAML: ${error.message.split("\n")[0]}` });
    return [];
  }
  const before = problems.length;
  const raw = interpolate(document.toJS() ?? {}, env, file, problems, [], standIns);
  if (problems.length > before) return [];
  const shape = routesFileShape.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues) problems.push({ file, path: formatPath(issue.path), message: issue.message });
    return [];
  }
  const entries: Entry[] = [];
  for (const section of SECTIONS) {
    const { id: idPattern, idRule, schema } = sections[section];
    for (const [id, value] of Object.entries(shape.data[section] ?? {})) {
      if (!idPattern.test(id)) {
        problems.push({ file, path: `${section}.${id}`, message: `an id in ${section} is ${idRule}` });
        continue;
      }
      const result = schema.safeParse(value);
      if (result.success) {
        entries.push({ section, id, entry: result.data });
        continue;
      }
      const issues = result.error.issues.map((issue) => ({ file, path: formatPath([section, id, ...issue.path]), message: issue.message }));
      // `check` without production secrets: keep a destination whose only faults are unset variables.
      if (section === "destinations" && standIns && issues.every((issue) => causedByStandIn(issue.path, standIns))) {
        entries.push({ section, id, entry: value });
        continue;
      }
      problems.push(...issues);
    }
  }
  return entries;
}

function causedByStandIn(path: string, standIns: StandIns): boolean {
  for (const paths of standIns.missing.values()) {
    if (paths.some((where) => where === path || where.startsWith(`${path}.`) || path.startsWith(`${where}.`) || path.startsWith(`${where}[`))) {
      return true;
    }
  }
  return false;
}
