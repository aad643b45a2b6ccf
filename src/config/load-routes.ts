import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { DestinationConfig } from "../adapters/schema.js";
import { ConfigError, formatPath, parsePath as parsePathText, type ConfigProblem } from "./config-error.js";
import { interpolate, type StandIns } from "./interpolate.js";
import type { RouteConfig } from "./route-schema.js";
import { displayName, listRouteFiles } from "./routes-files.js";
import { routesFileShape, sections, type Section } from "./routes-file-schema.js";
import { apiProblems } from "./api-endpoints.js";
import { describeSchemaIssues } from "./schema-problems.js";
import { loadRequestSchemas, type RequestSchemas, type SchemaProblem } from "./request-schemas.js";
import type { SourceConfig } from "./source-schema.js";
import { pollSourceSchema, type PollSourceConfig } from "./poll-source-schema.js";
import { pollProblems } from "./poll-problems.js";
import { firstSyntaxError, locate, parseYamlFile, type YamlFile } from "./yaml-locations.js";

/** Where an entry was declared, for messages. */
interface Declared {
  readonly id: string;
  readonly file: string;
}

/** A source as validated; `requestSchemas` are its `schema:`, files read and compiled (absent without one). */
export type Source = SourceConfig & { readonly requestSchemas?: RequestSchemas | undefined } & Declared;
export type Destination = DestinationConfig & Declared;
/** A polling source (`kind: poll` under `sources:`): pulled on a schedule instead of posted to. */
export type PollSource = PollSourceConfig & Declared;
/** A route as validated; `responseSchemas` (sync routes) is its `response.schema`, read and compiled (under `default`). */
export type Route = RouteConfig & { readonly responseSchemas?: RequestSchemas | undefined } & Declared;

/** The validated routing table, frozen: built once at start-up and passed explicitly. */
export interface RoutingTable {
  readonly sources: ReadonlyMap<string, Source>;
  readonly destinations: ReadonlyMap<string, Destination>;
  readonly routes: ReadonlyMap<string, Route>;
  /** Polling sources, apart from the webhook sources: they share the `sources:` ids and routing keys. */
  readonly polls: ReadonlyMap<string, PollSource>;
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
  const merged = { sources: new Map(), destinations: new Map(), routes: new Map(), polls: new Map() } as {
    sources: Map<string, Source>;
    destinations: Map<string, Destination>;
    routes: Map<string, Route>;
    polls: Map<string, PollSource>;
  };
  // Ids whose entry is declared but invalid, and whether a whole file could not be read: a route
  // naming either is not reported again as naming an unknown destination (one slip, one problem).
  const declaredInvalid = new Set<string>();
  let unreadable = false;
  for (const path of listRouteFiles(dir, problems)) {
    const file = displayName(path);
    const read = readEntries(path, file, env, problems, options.standIns);
    unreadable ||= read.unreadable;
    for (const id of read.invalidDestinations) declaredInvalid.add(id);
    for (const { section, id, entry, at } of read.entries) {
      const target = merged[section] as Map<string, Declared>;
      // Webhook and polling sources share one namespace: the id is the routing key's first word.
      const earlier = target.get(id) ?? (section === "sources" ? merged.polls.get(id) : section === "polls" ? merged.sources.get(id) : undefined);
      if (earlier) {
        const shown = section === "polls" ? "sources" : section;
        problems.push({ file, path: `${shown}.${id}`, ...at, message: `"${id}" is already declared in ${earlier.file}` });
        continue;
      }
      target.set(id, Object.freeze({ ...(entry as object), id, file }));
    }
  }
  for (const route of unreadable ? [] : merged.routes.values()) {
    if (!merged.destinations.has(route.destination) && !declaredInvalid.has(route.destination)) {
      const known = [...merged.destinations.keys(), ...declaredInvalid].join(", ") || "none declared";
      problems.push({
        file: route.file,
        path: `routes.${route.id}.destination`,
        message: `unknown destination "${route.destination}" (known: ${known})`,
      });
    }
  }
  if (!unreadable) problems.push(...apiProblems(merged.sources, merged.routes));
  if (problems.length === 0 && merged.sources.size === 0 && merged.polls.size === 0 && merged.routes.size === 0) {
    problems.push({ file: dir, path: "", message: "nothing declared: add a YAML file with `sources:` (and `destinations:`/`routes:`)" });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(merged);
}

interface Entry {
  readonly section: Section | "polls";
  readonly id: string;
  readonly entry: unknown;
  readonly at: { line?: number; column?: number };
}

interface FileEntries {
  readonly entries: Entry[];
  /** The file could not be parsed: what it declares is unknown. */
  readonly unreadable: boolean;
  readonly invalidDestinations: string[];
}

function readEntries(path: string, file: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[], standIns: StandIns | undefined): FileEntries {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push({ file, path: "", message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return { entries: [], unreadable: true, invalidDestinations: [] };
  }
  const yaml = parseYamlFile(text);
  // One YAML slip makes the parser report every line after it; the first error is the slip.
  // The rest of the file is not validated: its structure is not what its author wrote.
  const syntax = firstSyntaxError(yaml);
  if (syntax) {
    problems.push({ file, path: "", message: syntax.message, ...syntax.position });
    return { entries: [], unreadable: true, invalidDestinations: [] };
  }
  const result = validateFile(yaml, file, dirname(path), env, standIns);
  problems.push(...result.problems.map((problem) => withPosition(yaml, problem)).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { entries: result.entries, unreadable: false, invalidDestinations: result.invalidDestinations };
}

interface Located extends ConfigProblem {
  /** Where to point when that is not `path`: a misspelt key. */
  readonly at?: readonly PropertyKey[];
  /** The path as keys, to find it in the file. */
  readonly keys?: readonly PropertyKey[];
}

function withPosition(yaml: YamlFile, problem: Located): ConfigProblem {
  const { at, keys, ...rest } = problem;
  if (rest.line !== undefined) return rest;
  const position = locate(yaml, at ?? keys ?? []);
  return position ? { ...rest, ...position } : rest;
}

function validateFile(yaml: YamlFile, file: string, dir: string, env: NodeJS.ProcessEnv, standIns: StandIns | undefined) {
  const problems: Located[] = [];
  const entries: Entry[] = [];
  const invalidDestinations: string[] = [];
  const done = () => ({ problems, entries, invalidDestinations });
  const missing: ConfigProblem[] = [];
  const raw = interpolate(yaml.document.toJS() ?? {}, env, file, missing, [], standIns);
  // Interpolation keeps the document's shape, so its paths are the file's paths.
  problems.push(...missing.map((problem) => ({ ...problem, keys: parsePathText(problem.path) })));
  // An entry that uses an unset variable is not validated (its `${VAR}` text would only cause
  // second-hand problems); its neighbours are.
  const unset = (section: string, id: string) =>
    missing.some((problem) => problem.path === `${section}.${id}` || problem.path.startsWith(`${section}.${id}.`));
  const shape = routesFileShape.safeParse(raw);
  if (!shape.success) {
    for (const problem of describeSchemaIssues(routesFileShape, raw, shape.error.issues)) {
      problems.push({
        file,
        path: formatPath(problem.path),
        message: problem.message,
        keys: problem.path,
        ...(problem.at ? { at: problem.at } : {}),
      });
    }
    return done();
  }
  for (const section of SECTIONS) {
    const { id: idPattern, idRule, schema } = sections[section];
    for (const [id, value] of Object.entries(shape.data[section] ?? {})) {
      const keys = [section, id];
      if (unset(section, id)) {
        if (section === "destinations") invalidDestinations.push(id);
        continue;
      }
      if (!idPattern.test(id)) {
        problems.push({ file, path: `${section}.${id}`, message: `an id in ${section} is ${idRule}`, keys });
        continue;
      }
      if (section === "sources" && isPoll(value)) {
        const poll = pollSourceSchema.safeParse(standIns ? withStandInOrigin(value) : value);
        if (!poll.success) {
          problems.push(...located(pollSourceSchema, value, poll.error.issues, file, keys));
          continue;
        }
        const found = pollProblems(poll.data).map(({ path, message }) => ({
          file,
          path: formatPath([...keys, ...path]),
          message,
          keys: [...keys, ...path],
        }));
        if (found.length === 0) entries.push({ section: "polls", id, entry: poll.data, at: locate(yaml, keys) ?? {} });
        problems.push(...found);
        continue;
      }
      const result = schema.safeParse(value);
      if (result.success) {
        const entry =
          section === "sources"
            ? withRequestSchemas(result.data as SourceConfig, dir, file, keys, problems)
            : section === "routes"
              ? withResponseSchema(result.data as RouteConfig, dir, file, keys, problems)
              : result.data;
        if (entry) entries.push({ section, id, entry, at: locate(yaml, keys) ?? {} });
        continue;
      }
      const issues = located(schema, value, result.error.issues, file, keys);
      // `check` without production secrets: keep a destination whose only faults are unset variables.
      if (section === "destinations" && standIns && issues.every((issue) => causedByStandIn(formatPath(issue.keys ?? []), standIns))) {
        entries.push({ section, id, entry: value, at: locate(yaml, keys) ?? {} });
        continue;
      }
      if (section === "destinations") invalidDestinations.push(id);
      problems.push(...issues);
    }
  }
  return done();
}

/**
 * `check` without the environment: a URL template that starts with an unset `${VAR}` (the API's
 * base URL) is checked with a placeholder origin, so the rest of it is still validated.
 */
function withStandInOrigin(value: unknown): unknown {
  const request = (value as { request?: { url?: unknown } }).request;
  const url = request?.url;
  if (typeof url !== "string" || !url.startsWith("unset-")) return value;
  const origin = /^unset-([A-Za-z0-9_]+)/.exec(url)?.[1] ?? "unset";
  const standIn = `https://${origin.toLowerCase().replace(/_/g, "-")}.invalid${url.slice(`unset-${origin}`.length)}`;
  return { ...(value as object), request: { ...request, url: standIn } };
}

function isPoll(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "poll";
}

function located(
  schema: Parameters<typeof describeSchemaIssues>[0],
  value: unknown,
  issues: Parameters<typeof describeSchemaIssues>[2],
  file: string,
  keys: readonly PropertyKey[],
): Located[] {
  return describeSchemaIssues(schema, value, issues).map((problem) => ({
    file,
    path: formatPath([...keys, ...problem.path]),
    message: problem.message,
    keys: [...keys, ...problem.path],
    ...(problem.at ? { at: [...keys, ...problem.at] } : {}),
  }));
}

/** A source with its `schema:` files read and compiled; undefined (problems pushed) when one is missing or invalid. */
function withRequestSchemas(source: SourceConfig, dir: string, file: string, keys: readonly PropertyKey[], problems: Located[]) {
  if (source.schema === undefined) return source;
  const found: SchemaProblem[] = [];
  const requestSchemas = loadRequestSchemas(source.schema, dir, found);
  for (const problem of found) {
    const at = [...keys, "schema", ...problem.keys];
    problems.push({ file, path: formatPath(at), message: problem.message, keys: at });
  }
  return requestSchemas ? { ...source, requestSchemas } : undefined;
}

/** A sync route with its `response.schema` read and compiled; undefined (problems pushed) when it is missing or invalid. */
function withResponseSchema(route: RouteConfig, dir: string, file: string, keys: readonly PropertyKey[], problems: Located[]) {
  const schema = route.response?.schema;
  if (schema === undefined) return route;
  const found: SchemaProblem[] = [];
  const responseSchemas = loadRequestSchemas({ default: schema }, dir, found);
  for (const problem of found) {
    const at = [...keys, "response", "schema", ...problem.keys.slice(1)];
    problems.push({ file, path: formatPath(at), message: problem.message, keys: at });
  }
  return responseSchemas ? { ...route, responseSchemas } : undefined;
}

function causedByStandIn(path: string, standIns: StandIns): boolean {
  for (const paths of standIns.missing.values()) {
    if (paths.some((where) => where === path || where.startsWith(`${path}.`) || path.startsWith(`${where}.`) || path.startsWith(`${where}[`))) {
      return true;
    }
  }
  return false;
}
