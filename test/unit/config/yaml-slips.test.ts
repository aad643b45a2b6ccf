import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { problemLines } from "../../helpers/config-problems.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";

const dir = (name: string) => `test/fixtures/routes/${name}`;

describe("one YAML slip is one problem", () => {
  it("reports a syntax error with its line and column", () => {
    expect(problemLines(() => loadRoutes(dir("bad-yaml"), {}))).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/routes\/bad-yaml\/sources\.yaml:\d+:\d+: YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
      ),
    ]);
  });

  it("reports a mis-indented line inside a route once, naming the lines whose indentation differs", () => {
    expect(problemLines(() => loadRoutes(dir("indent-slip-in-route"), {}))).toEqual([
      "test/fixtures/routes/indent-slip-in-route/routes.yaml:13:6: YAML: All mapping items must start at the same column (line 13 is indented 5 spaces, line 14 4 spaces: check the indentation)",
    ]);
  });

  it("reports only the first parse error of a file, and no unknown destinations for the routes of another file", () => {
    expect(problemLines(() => loadRoutes(dir("indent-slip-in-destinations"), {}))).toEqual([
      "test/fixtures/routes/indent-slip-in-destinations/destinations.yaml:3:10: YAML: Nested mappings are not allowed in compact mappings (line 3 is indented 3 spaces, line 4 4 spaces: check the indentation)",
    ]);
  });

  it("reads keys written beside an empty mapping as one slip: they belong under it", () => {
    expect(problemLines(() => loadRoutes(dir("dedented-verify"), {}))).toEqual([
      "test/fixtures/routes/dedented-verify/sources.yaml:3:5 at sources.acme.verify: `verify` is empty, and `preset`, `secrets` after it are written at its level: indent them under `verify`",
    ]);
  });

  it("does not call a destination unknown when it is declared with a problem of its own", () => {
    const lines = problemLines(() => loadRoutes(dir("invalid-destination"), {}));
    expect(lines).toEqual([expect.stringMatching(/destinations\.yaml:\d+:\d+ at destinations\.odoo\.database: is required with api: jsonrpc$/)]);
  });
});

describe("an unset variable is one problem", () => {
  it("names the variable, and neither hides the file's other problems nor makes the destination unknown to its routes", () => {
    const { QBO_CLIENT_ID: _unset, ...env } = EXAMPLE_SECRETS;
    expect(problemLines(() => loadRoutes(dir("unset-and-typo"), env))).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/routes\/unset-and-typo\/destinations\.yaml:\d+:\d+ at destinations\.quickbooks\.clientId: environment variable QBO_CLIENT_ID is not set$/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/routes\/unset-and-typo\/destinations\.yaml:\d+:\d+ at destinations\.shipbob: unknown key `tokne` — did you mean `token`\?$/,
      ),
    ]);
  });
});
