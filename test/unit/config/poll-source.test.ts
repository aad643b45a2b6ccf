import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { loadRoutes } from "../../../src/config/load-routes.js";

function load(yaml: string, webhooks?: string) {
  const dir = mkdtempSync(join(tmpdir(), "wr-poll-config-"));
  writeFileSync(join(dir, "sources.yaml"), yaml);
  if (webhooks) writeFileSync(join(dir, "webhooks.yaml"), webhooks);
  return loadRoutes(dir, { API_TOKEN: "t" });
}

function problems(yaml: string, webhooks?: string): string[] {
  try {
    load(yaml, webhooks);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.message
        .split("\n")
        .slice(1)
        .map((line) => line.trim());
    throw error;
  }
  return [];
}

const poll = (overrides: string) => `sources:
  products:
    kind: poll
    every: 1h
    request:
      url: https://api.example.com/products?modifiedSince={cursor}&page={page}
      auth: { type: bearer, token: "\${API_TOKEN}" }
    pagination: { type: page, size: 100 }
    items: products
    event: { name: product.changed, id: id, modified: updatedAt }
${overrides}`;

describe("polling sources in routes/", () => {
  it("are read apart from the webhook sources, with their defaults", () => {
    const table = load(poll(""));
    expect(table.sources.size).toBe(0);
    expect(table.polls.get("products")).toMatchObject({
      id: "products",
      every: 3_600_000,
      enabled: true,
      timezone: "UTC",
      cursor: { initial: "1970-01-01T00:00:00Z", overlap: 300_000 },
      timeout: 30_000,
      maxPages: 1000,
      request: { method: "GET", auth: { type: "bearer", token: "t" } },
    });
  });

  it("report each problem with its file, line and what was expected", () => {
    const found = problems(`sources:
  products:
    kind: poll
    every: 1h
    cron: "0 * * *"
    request:
      url: https://api.example.com/products?since={since}
    items: "products[?"
    event: { name: product changed, id: id, modified: updatedAt }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sources\.yaml:5:\d+ at sources\.products\.cron: cron "0 \* \* \*": expected 5 fields/),
        expect.stringMatching(/sources\.yaml:7:\d+ at sources\.products\.request\.url: unknown placeholder \{since\}/),
        expect.stringMatching(/sources\.yaml:9:\d+ at sources\.products\.event\.name: an event name is dot words/),
      ]),
    );
  });

  it("compile JSONata at load time, so a typo stops the start rather than the first run", () => {
    expect(problems(poll("").replace("items: products", 'items: "products[?"'))).toEqual([
      expect.stringMatching(/sources\.yaml:\d+:\d+ at sources\.products\.items: not a path nor valid JSONata/),
    ]);
  });

  it("need exactly one of every and cron, and share their ids with the webhook sources", () => {
    expect(problems(poll("").replace("every: 1h", ""))).toEqual([expect.stringMatching(/give `every` or `cron` \(one of them\)/)]);
    const clash = problems(poll(""), "sources:\n  products:\n    verify: { preset: header-token, header: x-token, secrets: [s] }\n");
    expect(clash).toEqual([expect.stringMatching(/webhooks\.yaml:2:\d+ at sources\.products: "products" is already declared in .*sources\.yaml/)]);
  });
});
