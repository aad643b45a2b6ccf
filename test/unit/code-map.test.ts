import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

interface Rule {
  readonly name: string;
  readonly from: { readonly path?: string };
  readonly to: { readonly path?: string; readonly pathNot?: readonly string[] };
}

/** The README's code map: folder → the folders it may import ("everything" rows left out). */
function codeMap(): Map<string, string[] | "everything" | "everything but cli"> {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("\n## Code map\n");
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const rows = new Map<string, string[] | "everything" | "everything but cli">();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const folder = /^`([a-z-]+)\/`$/.exec(cells[1] ?? "")?.[1];
    if (folder === undefined) continue;
    const allowed = cells[3] ?? "";
    rows.set(
      folder,
      allowed === "everything" ? "everything" : allowed === "nothing" ? [] : [...allowed.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!),
    );
  }
  return rows;
}

const rules = (createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as { forbidden: Rule[] }).forbidden;

/** The folders a layer rule lets `folder` import, read back from its `pathNot` list. */
function allowedByRule(folder: string): string[] | undefined {
  const rule = rules.find((candidate) => candidate.from.path === `^src/${folder}/` && candidate.to.pathNot);
  return rule?.to.pathNot?.map((path) => /^\^src\/([a-z-]+)\/$/.exec(path)![1]!).filter((name) => name !== folder);
}

describe("the README's code map", () => {
  const map = codeMap();

  it("lists every folder of src/ and no folder that is gone", () => {
    const folders = readdirSync("src", { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...map.keys()].sort()).toEqual(folders.sort());
  });

  it("states the same import rule as the dependency check in npm run lint", () => {
    for (const [folder, allowed] of map) {
      if (allowed === "everything") continue;
      expect({ folder, allowed: allowedByRule(folder)?.sort() }).toEqual({ folder, allowed: [...allowed].sort() });
    }
  });
});
