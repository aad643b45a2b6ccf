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
  return [...loadRouteOutline(dir).routes.keys()];
}

/** The route ids with the destination each names (as written), and the destination ids. */
export interface RouteOutline {
  readonly routes: ReadonlyMap<string, string | undefined>;
  readonly destinations: readonly string[];
}

/**
 * What `routes` and `destinations` (pause, resume, list) need: ids and which destination each
 * route delivers to, read like loadRouteIds — nothing interpolated, nothing validated.
 */
export function loadRouteOutline(dir: string): RouteOutline {
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, string | undefined>();
  const destinations = new Set<string>();
  for (const path of listRouteFiles(dir, problems)) {
    const file = displayName(path);
    const yaml = parseYamlFile(readFileSync(path, "utf8"));
    const syntax = firstSyntaxError(yaml);
    if (syntax) {
      problems.push({ file, path: "", message: syntax.message, ...syntax.position });
      continue;
    }
    const declared = yaml.document.get("destinations");
    if (isMap(declared)) for (const pair of declared.items) if (isScalar(pair.key)) destinations.add(String(pair.key.value));
    const routes = yaml.document.get("routes");
    if (!isMap(routes)) continue;
    for (const pair of routes.items) {
      if (!isScalar(pair.key)) continue;
      const destination = isMap(pair.value) ? pair.value.get("destination") : undefined;
      ids.set(String(pair.key.value), typeof destination === "string" ? destination : undefined);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { routes: ids, destinations: [...destinations] };
}
