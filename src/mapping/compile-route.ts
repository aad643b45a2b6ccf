import jsonata from "jsonata";
import type { Route } from "../config/load-routes.js";
import type { ConfigProblem } from "../config/config-error.js";
import { isDataItself, outsideVariables } from "./expression-variables.js";
import { compileFast, type FastExpression } from "./fast-expression.js";
import { compileResponseMapping, type ResponseMapping } from "./response-mapping.js";
import { compileLoopRules, type CompiledLoopRules } from "./compile-loop-rules.js";

export type Expression = ReturnType<typeof jsonata>;

/** A route with its JSONata compiled once, at start-up. */
export interface CompiledRoute {
  readonly route: Route;
  /** Over the event alone, before enrichment. */
  readonly filter: Expression | undefined;
  /** After enrichment, with its results bound. */
  readonly when: Expression | undefined;
  readonly mapping: Expression;
  /**
   * The mapping is `data` (the default): the payload is the event's data unchanged, and the
   * adapters that send JSON send its original bytes.
   */
  readonly identity: boolean;
  /** A sync route's answer to its caller (`response:`); undefined for other routes. */
  readonly response?: ResponseMapping | undefined;
  /** A two-way sync's `remember`, `echo` and `skipAuthoredBy`; undefined for routes without any. */
  readonly loop?: CompiledLoopRules | undefined;
  /** Synchronous evaluators of the same expressions, when they fit fast-expression.ts's subset. */
  readonly fast: {
    readonly filter?: FastExpression | undefined;
    readonly when?: FastExpression | undefined;
    readonly mapping?: FastExpression | undefined;
  };
}

type Field = "filter" | "when" | "mapping";

/**
 * Compiles a route's filter, `when` and mapping. A syntax error is reported with the file, the
 * route, the field and the position in the expression, so it can be fixed before anything is
 * deployed; so is a filter that reads an enrichment result, which it runs too early to see.
 */
export function compileRoute(route: Route, problems: ConfigProblem[]): CompiledRoute | undefined {
  const before = problems.length;
  const filter = route.filter === undefined ? undefined : compile(route, "filter", route.filter, problems);
  const when = route.when === undefined ? undefined : compile(route, "when", route.when, problems);
  const mapping = compile(route, "mapping", route.mapping, problems);
  if (filter) checkFilterReadsNoEnrichment(route, filter, problems);
  const response = route.sync ? compileResponseMapping(route, problems) : undefined;
  const loop = compileLoopRules(route, problems);
  if (mapping === undefined || problems.length > before) return undefined;
  return {
    route,
    filter,
    when,
    mapping,
    identity: isDataItself(mapping.ast()),
    ...(response ? { response } : {}),
    ...(loop ? { loop } : {}),
    fast: { filter: filter && compileFast(filter.ast()), when: when && compileFast(when.ast()), mapping: compileFast(mapping.ast()) },
  };
}

function checkFilterReadsNoEnrichment(route: Route, filter: Expression, problems: ConfigProblem[]): void {
  const read = outsideVariables(filter.ast());
  for (const step of route.enrich) {
    if (!read.has(step.as)) continue;
    problems.push({
      file: route.file,
      path: `routes.${route.id}.filter`,
      message:
        `the filter reads $${step.as}, which enrichment step "${step.as}" provides, but the filter runs before enrichment; ` +
        "move this condition to `when` (evaluated after enrichment), and keep in `filter` what the event alone decides",
    });
  }
}

function compile(route: Route, field: Field, source: string, problems: ConfigProblem[]): Expression | undefined {
  try {
    return jsonata(source);
  } catch (error) {
    const { position, message } = error as { position?: number; message: string };
    problems.push({
      file: route.file,
      path: `routes.${route.id}.${field}`,
      // jsonata's position is just past the token it stopped at: point at that token.
      ...(position === undefined ? {} : { offset: Math.max(0, position - 1) }),
      message: `JSONata ${position === undefined ? "error" : `syntax error at position ${position}`}: ${message}${excerpt(source, position)}`,
    });
    return undefined;
  }
}

function excerpt(source: string, position: number | undefined): string {
  if (position === undefined) return "";
  const start = Math.max(0, position - 30);
  return ` (near ${JSON.stringify(source.slice(start, position + 10))})`;
}
