import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";

/** The lines of the ConfigError `load` throws, one per problem, without the heading. */
export function problemLines(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message
      .split("\n")
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error("expected a ConfigError");
}

/** A routes folder holding one file, `routes.yaml`, with this text. */
export function routesDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wr-routes-"));
  writeFileSync(join(dir, "routes.yaml"), yaml);
  return dir;
}
