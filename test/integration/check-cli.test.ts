import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const check = (routesDir: string, env: Record<string, string> = {}) =>
  run(process.execPath, ["dist/cli/main.js", "check"], { env: { PATH: process.env.PATH, ENV_FILE: "", ROUTES_DIR: routesDir, ...env } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("webhook-router check", () => {
  it("passes on the shipped routes, without their secrets set, naming what start will need", async () => {
    const result = await check("routes");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/note: not set here \(fine for check, required by start\): .*TRACKTILE_WEBHOOK_SECRET/);
    expect(result.stdout).toMatch(/✓ tracktile-order-completed-to-quickbooks › a completed order with two lines/);
    // The two-way sync's authored-by example matches `${TRACKTILE_API_USER}` with its stand-in: unset, they are equal.
    expect(result.stdout).toMatch(/✓ tracktile-customer-updated-to-erp › a change made by the integration's own API user is not sent back/);
    expect(result.stdout).toMatch(/examples: 14 passed, 0 failed/);
  });

  it("reads only ROUTES_DIR: a router setting it never uses being wrong (a CI job's PORT) does not stop it", async () => {
    const result = await check("routes", { PORT: "eighty", SMTP_URL: "not a url" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails on a broken example, printing a diff per mismatch and every example that cannot reach its route", async () => {
    const result = await check("test/fixtures/routes/broken-example");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ orders › a completed order in cents/);
    expect(result.stdout).toMatch(/✗ orders › a wrong expectation\n {4}amount: expected 3, got 300/);
    expect(result.stdout).toMatch(/✓ orders › a draft is filtered out/);
    expect(result.stdout).toMatch(/✗ orders › an example its route never sees\n {4}type "app.invoice.paid" matches none of the route's events/);
    expect(result.stdout).toMatch(/examples: 2 passed, 2 failed/);
  });

  it("runs a two-way sync's rules on the examples: skipAuthoredBy may drop one, and a record id must come out", async () => {
    const result = await check("test/fixtures/routes/two-way-examples");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ erp-to-crm › a partner without its CRM id cannot be remembered\n {4}remember\.id produced nothing for this event/,
    );
    expect(result.stdout).toMatch(/✓ crm-to-erp › the sync's own change is skipped/);
    expect(result.stdout).toMatch(
      /✗ crm-to-erp › a person's change expected skipped by mistake\n {4}`skipAuthoredBy` should have dropped this event, but it went through/,
    );
    expect(result.stdout).toMatch(/examples: 1 passed, 2 failed/);
  });

  it("checks each example's data against its source's request schema: a body the ingress would refuse fails, naming each violation", async () => {
    const result = await check("test/fixtures/routes/request-schema");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ orders-to-erp › an order that matches its schema/);
    expect(result.stdout).toContain(
      [
        "✗ orders-to-erp › an order the ingress would refuse",
        '    the ingress would refuse this body (422): it does not match source "orders"\'s schema for order.created',
        '    /orderId: must match pattern "^ord_"',
        "    /total: must be >= 0",
      ].join("\n"),
    );
    expect(result.stdout).toMatch(/examples: 1 passed, 1 failed/);
  });

  it("tells the two conditions apart: an example names whether `filter` or `when` dropped it", async () => {
    const result = await check("test/fixtures/routes/filter-stages");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ orders › a completed order in dollars/);
    expect(result.stdout).toMatch(/✓ orders › a draft is dropped by the filter, before enrichment/);
    expect(result.stdout).toMatch(/✓ orders › an order in euros is dropped by when/);
    expect(result.stdout).toMatch(
      /✗ orders › expects the filter, but when drops it\n {4}`when` dropped this event \(after enrichment\), but the example expects `filter` to drop it/,
    );
    expect(result.stdout).toMatch(/✓ orders › filtered true accepts either stage/);
    expect(result.stdout).toMatch(/examples: 4 passed, 1 failed/);
  });

  it("refuses a filter that reads an enrichment result, naming the route and pointing to `when`", async () => {
    const result = await check("test/fixtures/routes/filter-reads-enrichment");
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(
      /routes\.yaml:\d+:\d+ at routes\.orders\.filter: the filter reads \$order, which enrichment step "order" provides, but the filter runs before enrichment; move this condition to `when`/,
    );
  });

  it("stops with the file, the line and column of the error, the route and the position of a JSONata syntax error", async () => {
    const result = await check("test/fixtures/routes/bad-jsonata");
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/routes\.yaml:11:35 at routes\.orders\.mapping: JSONata syntax error at position 19/);
  });
});
