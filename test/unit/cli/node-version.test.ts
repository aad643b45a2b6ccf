import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUPPORTED_NODE, unsupportedNode } from "../../../src/cli/node-version.js";

describe("the Node.js version check", () => {
  it.each(["20.18.1", "20.18.2", "20.19.0", "20.20.2", "22.0.0", "22.12.0", "24.11.1", "25.2.0"])("accepts Node.js %s", (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it.each(["18.20.4", "20.11.1", "20.12.0", "20.18.0", "21.7.3"])("refuses Node.js %s, naming the version needed and the one found", (version) => {
    expect(unsupportedNode(version)).toBe(`webhook-router needs Node.js 20.18.1 or later (20.18.1+, 22 or newer); this is Node.js ${version}`);
  });

  it("states the same minimum as package.json's engines", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it("lets the Node.js running these tests pass", () => {
    expect(unsupportedNode(process.versions.node)).toBeUndefined();
  });
});
