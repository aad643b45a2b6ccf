import jsonata from "jsonata";
import type { Route } from "../config/load-routes.js";
import type { ConfigProblem } from "../config/config-error.js";
import { compileFast, type FastExpression } from "./fast-expression.js";

export type Expression = ReturnType<typeof jsonata>;

/** A route with its JSONata compiled once, at start-up. */
export interface CompiledRoute {
  readonly route: Route;
  readonly filter: Expression | undefined;
  readonly mapping: Expression;
  /** Synchronous evaluators of the same expressions, when they fit fast-expression.ts's subset. */
  readonly fast: { readonly filter?: FastExpression | undefined; readonly mapping?: FastExpression | undefined };
}

/**
 * Compiles a route's filter and mapping. A syntax error is reported with the file, the route, the
 * field and the position in the expression, so it can be fixed before anything is deployed.
 */
export function compileRoute(route: Route, problems: ConfigProblem[]): CompiledRoute | undefined {
  const filter = route.filter === undefined ? undefined : compile(route, "filter", route.filter, problems);
  const mapping = compile(route, "mapping", route.mapping, problems);
  if (mapping === undefined || (route.filter !== undefined && filter === undefined)) return undefined;
  return { route, filter, mapping, fast: { filter: filter && compileFast(filter.ast()), mapping: compileFast(mapping.ast()) } };
}

function compile(route: Route, field: "filter" | "mapping", source: string, problems: ConfigProblem[]): Expression | undefined {
  try {
    return jsonata(source);
  } catch (error) {
    const { position, message } = error as { position?: number; message: string };
    problems.push({
      file: route.file,
      path: `routes.${route.id}.${field}`,
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
