import jsonata from "jsonata";
import type { ConfigProblem } from "../config/config-error.js";
import type { Route } from "../config/load-routes.js";
import type { EchoConfig, RememberConfig, SkipAuthoredByConfig } from "../config/loop-rules-schema.js";
import { outsideVariables } from "./expression-variables.js";

type Expression = ReturnType<typeof jsonata>;

/** A record's id and field values, as JSONata compiled once. */
export interface CompiledRecordRule {
  readonly system: string;
  readonly entity: string;
  readonly id: Expression;
  readonly fields: readonly Expression[];
}

/** A route's loop breakers (README "Two-way sync"), compiled at start-up. */
export interface CompiledLoopRules {
  readonly remember?: (CompiledRecordRule & { readonly windowMs: number }) | undefined;
  readonly echo?: CompiledRecordRule | undefined;
  readonly authoredBy?: { readonly field: Expression; readonly users: ReadonlySet<string> } | undefined;
  /**
   * `echo` or `skipAuthoredBy` reads an enrichment result: both run after enrichment. Otherwise
   * they run on the event alone, before the claim, so a skipped event makes no call at all.
   */
  readonly checksNeedEnrichment: boolean;
}

/** Compiles `remember`, `echo` and `skipAuthoredBy`; undefined when the route has none of them. */
export function compileLoopRules(route: Route, problems: ConfigProblem[]): CompiledLoopRules | undefined {
  if (!route.remember && !route.echo && !route.skipAuthoredBy) return undefined;
  const at = (key: string) => `routes.${route.id}.${key}`;
  const compile = (path: string, source: string) => compileExpression(route.file, at(path), source, problems);
  const remember = route.remember && recordRule(route.remember, "remember", compile);
  const echo = route.echo && recordRule(route.echo, "echo", compile);
  const authoredBy = route.skipAuthoredBy && authoredByRule(route.skipAuthoredBy, compile);
  const enrichmentNames = new Set(route.enrich.map((step) => step.as));
  const checks = [...(echo ? [echo.id, ...echo.fields] : []), ...(authoredBy ? [authoredBy.field] : [])];
  const checksNeedEnrichment = checks.some((expression) => [...outsideVariables(expression.ast())].some((name) => enrichmentNames.has(name)));
  return {
    remember: remember && route.remember ? { ...remember, windowMs: route.remember.window } : undefined,
    echo,
    authoredBy,
    checksNeedEnrichment,
  };
}

/**
 * Across routes: an `echo` can only ever match what some route's `remember` wrote to the same
 * system and entity, with as many fields in the same order — otherwise its fingerprints never
 * match and the loop it is meant to break goes on.
 */
export function crossRouteProblems(routes: Iterable<Route>): ConfigProblem[] {
  const all = [...routes];
  const problems: ConfigProblem[] = [];
  for (const route of all) {
    const echo = route.echo;
    if (!echo) continue;
    const writers = all.filter((other) => other.remember?.system === echo.system && other.remember.entity === echo.entity);
    if (writers.length === 0) {
      problems.push({
        file: route.file,
        path: `routes.${route.id}.echo`,
        message:
          `no route remembers its writes to ${echo.system} ${echo.entity} (\`remember: {system: ${echo.system}, entity: ${echo.entity}, …}\`), ` +
          "so this echo check can never match",
      });
      continue;
    }
    for (const writer of writers) {
      const written = writer.remember!.fields.length;
      if (written === echo.fields.length) continue;
      problems.push({
        file: route.file,
        path: `routes.${route.id}.echo.fields`,
        message:
          `${echo.fields.length} field${echo.fields.length === 1 ? "" : "s"}, but route ${writer.id} remembers ${written} ` +
          `(${writer.file}); the fingerprints can never match: list the same fields, in the same order`,
      });
    }
  }
  return problems;
}

type Compile = (path: string, source: string) => Expression | undefined;

function recordRule(config: RememberConfig | EchoConfig, key: "remember" | "echo", compile: Compile): CompiledRecordRule | undefined {
  const id = compile(`${key}.id`, config.id);
  const fields = config.fields.map((field, index) => compile(`${key}.fields[${index}]`, field));
  if (!id || fields.some((field) => field === undefined)) return undefined;
  return { system: config.system, entity: config.entity, id, fields: fields as Expression[] };
}

function authoredByRule(config: SkipAuthoredByConfig, compile: Compile): CompiledLoopRules["authoredBy"] {
  const field = compile("skipAuthoredBy.field", config.field);
  return field && { field, users: new Set(config.users) };
}

function compileExpression(file: string, path: string, source: string, problems: ConfigProblem[]): Expression | undefined {
  try {
    return jsonata(source);
  } catch (error) {
    const { position, message } = error as { position?: number; message: string };
    problems.push({
      file,
      path,
      ...(position === undefined ? {} : { offset: Math.max(0, position - 1) }),
      message: `JSONata ${position === undefined ? "error" : `syntax error at position ${position}`}: ${message}`,
    });
    return undefined;
  }
}
