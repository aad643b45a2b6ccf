import { describe, expect, it } from "vitest";
import { loadEnv } from "../../../src/env.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { compileRoutes } from "../../../src/mapping/compile-routes.js";
import { problemLines, routesDir } from "../../helpers/config-problems.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";

const dir = (name: string) => `test/fixtures/routes/${name}`;

describe("every configuration problem names its file, line and column", () => {
  it("points at the key whose value is wrong", () => {
    expect(problemLines(() => loadRoutes(dir("unknown-preset"), {}))).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/routes\/unknown-preset\/sources\.yaml:4:7 at sources\.acme\.verify\.preset: unknown preset "hmac-magic"/,
      ),
    ]);
  });

  it("points at the list item that references an unset variable", () => {
    const { TRACKTILE_WEBHOOK_SECRET: _unset, ...env } = EXAMPLE_SECRETS;
    const lines = problemLines(() => loadRoutes("routes", env));
    expect(lines).toEqual([
      expect.stringMatching(
        /^routes\/sources\.yaml:\d+:\d+ at sources\.tracktile\.verify\.secrets\[0\]: environment variable TRACKTILE_WEBHOOK_SECRET is not set$/,
      ),
    ]);
  });

  it("points at the second declaration of a duplicate id", () => {
    expect(problemLines(() => loadRoutes(dir("duplicate"), {}))).toEqual([
      expect.stringMatching(/^test\/fixtures\/routes\/duplicate\/b\.yaml:2:3 at sources\.acme: "acme" is already declared in .*a\.yaml$/),
    ]);
  });

  it("points at a route's destination nobody declared", () => {
    expect(problemLines(() => loadRoutes(dir("unknown-destination"), {}))).toEqual([
      'test/fixtures/routes/unknown-destination/routes.yaml:7:5 at routes.r.destination: unknown destination "nowhere" (known: none declared)',
    ]);
  });

  it("points at the character of a JSONata syntax error in a quoted mapping, escapes counted as written", () => {
    const table = loadRoutes(dir("bad-jsonata"), { APP_SECRET: "s3cret" });
    expect(problemLines(() => compileRoutes(table))).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/routes\/bad-jsonata\/routes\.yaml:11:35 at routes\.orders\.mapping: JSONata syntax error at position 19: /,
      ),
    ]);
  });

  it("points at the line and column of a JSONata syntax error inside a block mapping", () => {
    const yaml = [
      "sources:",
      "  app: { verify: { preset: github, secret: s3cret } }",
      "destinations:",
      "  sink: { kind: http, url: https://erp.example.com/orders }",
      "routes:",
      "  r:",
      "    events: app.#",
      "    mapping: |",
      "      {",
      '        "ref": data.id,',
      '        "total": $sum(data.lines.price *)',
      "      }",
      "    destination: sink",
      "",
    ].join("\n");
    const table = loadRoutes(routesDir(yaml), {});
    expect(problemLines(() => compileRoutes(table))).toEqual([
      expect.stringMatching(/routes\.yaml:11:41 at routes\.r\.mapping: JSONata syntax error at position \d+: /),
    ]);
  });

  it("names an environment variable that is wrong, without quoting its value", () => {
    expect(problemLines(() => loadEnv({ PORT: "eighty", ADMIN_TOKEN: "short-secret" }))).toEqual([
      "environment variable PORT: expected a number",
      "environment variable ADMIN_TOKEN: must be at least 16 characters (e.g. openssl rand -hex 32)",
    ]);
  });
});
