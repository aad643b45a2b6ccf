import type { ConfigProblem } from "./config-error.js";

/** What the check reads of a source and a route (structural: load-routes.ts imports this file). */
interface Endpoint {
  readonly id: string;
  readonly file: string;
  readonly api?: { readonly route: string } | undefined;
}
interface Answering {
  readonly id: string;
  readonly file: string;
  readonly sync: boolean;
}

/** Every API endpoint names a declared `sync: true` route, and every sync route answers exactly one endpoint. */
export function apiProblems(sources: ReadonlyMap<string, Endpoint>, routes: ReadonlyMap<string, Answering>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const answering = new Map<string, string[]>();
  for (const source of sources.values()) {
    if (!source.api) continue;
    const route = routes.get(source.api.route);
    const path = `sources.${source.id}.api.route`;
    if (!route) problems.push({ file: source.file, path, message: `unknown route "${source.api.route}"` });
    else if (!route.sync) problems.push({ file: source.file, path, message: `route "${route.id}" is not \`sync: true\`` });
    else answering.set(route.id, [...(answering.get(route.id) ?? []), source.id]);
  }
  for (const route of routes.values()) {
    if (!route.sync) continue;
    const endpoints = answering.get(route.id) ?? [];
    if (endpoints.length === 1) continue;
    const message =
      endpoints.length === 0
        ? "a `sync: true` route answers one API endpoint: name it in a source's `api.route`"
        : `a \`sync: true\` route answers one API endpoint, not several (${endpoints.join(", ")})`;
    problems.push({ file: route.file, path: `routes.${route.id}.sync`, message });
  }
  return problems;
}
