import { readFileSync } from "node:fs";
import { isMap, isScalar } from "yaml";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { displayName, listRouteFiles } from "./routes-files.js";
import { firstSyntaxError, parseYamlFile } from "./yaml-locations.js";

/**
 * The ids under `routes:` in every routes file, and nothing else: what `dlq` needs to find each
 * route's dead-letter queue. Nothing is interpolated or validated, so a secret that is not set
 * where the command runs (an operator's shell) or a mistake elsewhere in a source does not stop
 * it; only a file that cannot be read as YAML does, since its routes cannot be known.
 */
export function loadRouteIds(dir: string): string[] {
  const problems: ConfigProblem[] = [];
  const ids = new Set<string>();
  for (const path of listRouteFiles(dir, problems)) {
    const file = displayName(path);
    const yaml = parseYamlFile(readFileSync(path, "utf8"));
    const syntax = firstSyntaxError(yaml);
    if (syntax) {
      problems.push({ file, path: "", message: syntax.message, ...syntax.position });
      continue;
    }
    const routes = yaml.document.get("routes");
    if (!isMap(routes)) continue;
    for (const pair of routes.items) {
      if (isScalar(pair.key)) ids.add(String(pair.key.value));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return [...ids];
}
