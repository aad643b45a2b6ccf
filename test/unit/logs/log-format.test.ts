import { describe, expect, it } from "vitest";
import { loadEnv } from "../../../src/env.js";
import { resolveLogFormat } from "../../../src/ops/logger.js";

describe("LOG_FORMAT", () => {
  it("is auto by default: pretty for a person at a terminal, JSON for a pipe or a collector", () => {
    expect(loadEnv({}).LOG_FORMAT).toBe("auto");
    expect(resolveLogFormat("auto", true)).toBe("pretty");
    expect(resolveLogFormat("auto", false)).toBe("json");
  });

  it("keeps an explicit choice whatever stdout is", () => {
    expect(resolveLogFormat("json", true)).toBe("json");
    expect(resolveLogFormat("pretty", false)).toBe("pretty");
  });

  it("refuses an unknown format, naming the variable", () => {
    expect(() => loadEnv({ LOG_FORMAT: "fancy" })).toThrow(/LOG_FORMAT/);
  });
});
