import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { service } from "../helpers/compose-file.js";

/** Every `${NAME}` without a default in the strings of a parsed YAML value (comments are not values). */
function required(value: unknown, found: Set<string>): Set<string> {
  if (typeof value === "string") {
    for (const match of value.replaceAll("$${", "").matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) found.add(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) required(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) required(item, found);
  }
  return found;
}

const routeFiles = readdirSync("routes").filter((name) => /\.ya?ml$/.test(name));
const needed = [...routeFiles.reduce((found, name) => required(parse(readFileSync(join("routes", name), "utf8")), found), new Set<string>())].sort();
const exampleEnv = parseEnv(readFileSync("example.env", "utf8"));

// The bundled routes must start on a fresh clone, with nothing but `cp example.env .env`: on the
// host (npm start) and in docker compose (env_file .env plus the router's environment).
describe("the variables the bundled routes need", () => {
  it("are found in the routes (the check below checks something)", () => {
    expect(needed).toContain("TRACKTILE_WEBHOOK_SECRET");
    expect(needed).toContain("ODOO_URL");
  });

  it("are all set by example.env", () => {
    expect(needed.filter((name) => !exampleEnv[name])).toEqual([]);
  });

  it("are all set by example.env or the compose router's environment", () => {
    const environment = service("router").environment ?? {};
    expect(needed.filter((name) => !exampleEnv[name] && !environment[name])).toEqual([]);
  });
});
