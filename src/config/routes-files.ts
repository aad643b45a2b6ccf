import { readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { ConfigProblem } from "./config-error.js";

/** The file as the person typed it: relative to where the command runs, unless that climbs out. */
export function displayName(path: string): string {
  const near = relative(process.cwd(), path);
  return near === "" || near.startsWith("..") || isAbsolute(near) ? path : near;
}

/** Every `*.yaml`/`*.yml` in `dir`, in name order so merges are deterministic; an unreadable folder is a problem. */
export function listRouteFiles(dir: string, problems: ConfigProblem[]): string[] {
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
