import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKED_AGAINST_JSONATA } from "../../../src/mapping/fast-expression.js";

const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

// The fast path ports jsonata's own evaluator: a jsonata upgrade could change an answer the port
// still gives the old way, so an upgrade must fail here until someone re-checks the port.
describe("the synchronous JSONata path is tied to the jsonata release it was checked against", () => {
  it("package.json pins jsonata exactly to that release", () => {
    const dependencies = json("package.json").dependencies as Record<string, string>;
    expect(dependencies.jsonata).toBe(CHECKED_AGAINST_JSONATA);
  });

  it("the installed jsonata is that release", () => {
    expect(json("node_modules/jsonata/package.json").version).toBe(CHECKED_AGAINST_JSONATA);
  });
});
