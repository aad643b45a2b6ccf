import { ConfigError, type ConfigProblem } from "../config/config-error.js";
import type { RoutingTable } from "../config/load-routes.js";
import { templateProblem } from "../adapters/template.js";
import { compileRoute, type CompiledRoute } from "./compile-route.js";
import { crossRouteProblems } from "./compile-loop-rules.js";

/** Compiles every route's JSONata and enrichment URLs at start-up; any error stops the process. */
export function compileRoutes(table: RoutingTable): ReadonlyMap<string, CompiledRoute> {
  const problems: ConfigProblem[] = [];
  const compiled = new Map<string, CompiledRoute>();
  for (const route of table.routes.values()) {
    route.enrich.forEach((step, index) => {
      const problem = templateProblem(step.url);
      if (problem) problems.push({ file: route.file, path: `routes.${route.id}.enrich[${index}].url`, message: problem });
    });
    const result = compileRoute(route, problems);
    if (result) compiled.set(route.id, result);
  }
  problems.push(...crossRouteProblems(table.routes.values()));
  if (problems.length > 0) throw new ConfigError(problems);
  return compiled;
}
