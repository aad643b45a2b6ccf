import { describe, expect, it } from "vitest";
import { applyRoute, passesFilter } from "../../../src/mapping/apply-route.js";
import { compiled, event } from "./route-fixtures.js";

const ENRICH = [{ as: "order", url: "https://api.example.com/orders/{event.data.id}" }];

describe("filter (on the event) and when (after enrichment)", () => {
  it("refuse a filter that reads an enrichment result: it runs before enrichment", () => {
    const { result, problems } = compiled({ filter: 'data.status = "completed" and $order.total > 0', enrich: ENRICH });
    expect(result).toBeUndefined();
    expect(problems).toEqual([
      {
        file: "routes/test.yaml",
        path: "routes.r.filter",
        message: expect.stringMatching(/reads \$order, which enrichment step "order" provides, .*move this condition to `when`/),
      },
    ]);
  });

  it("accept a filter whose own block binds a variable of the same name", () => {
    const { problems } = compiled({ filter: '($order := data.order; $order.status = "completed")', enrich: ENRICH });
    expect(problems).toEqual([]);
  });

  it("let `when` read the enrichment", () => {
    const { result, problems } = compiled({ filter: 'data.status = "completed"', when: "$order.total > 100", enrich: ENRICH });
    expect(problems).toEqual([]);
    expect(result!.fast.when).toBeTypeOf("function");
  });

  it("run the filter on the event alone, and `when` with the enrichment", async () => {
    const { result } = compiled({ filter: 'data.status = "completed"', when: "$order.total > 100", enrich: ENRICH });
    expect(await passesFilter(result!, event({ status: "ready" }))).toBe(false);
    expect(await passesFilter(result!, event({ status: "completed" }))).toBe(true);
    expect(await applyRoute(result!, event({ status: "completed" }), { order: { total: 5 } })).toEqual({ filtered: "when" });
    expect(await applyRoute(result!, event({ status: "completed" }), { order: { total: 500 } })).toMatchObject({ filtered: false });
  });

  it("evaluate `when` on jsonata itself where the fast path does not reach", async () => {
    const { result } = compiled({ when: "$count($order.lines) > 1", enrich: ENRICH });
    expect(result!.fast.when).toBeUndefined();
    expect(await applyRoute(result!, event({}), { order: { lines: [1] } })).toEqual({ filtered: "when" });
    expect(await applyRoute(result!, event({}), { order: { lines: [1, 2] } })).toMatchObject({ filtered: false });
  });
});
