import { describe, expect, it } from "vitest";
import { applyRoute, MappingError, passesFilter } from "../../../src/mapping/apply-route.js";
import { compiled, event } from "./route-fixtures.js";

describe("filter and mapping", () => {
  it("map the event, reading enrichment results as variables", async () => {
    const { result } = compiled({ mapping: '{ "ref": data.orderId, "lines": $count($order.lines), "at": time }' });
    const output = await applyRoute(result!, event({ orderId: "ord_1" }), { order: { lines: [1, 2, 3] } });
    expect(output).toEqual({ filtered: false, payload: { ref: "ord_1", lines: 3, at: "2026-11-20T14:03:11.000Z" } });
  });

  it("drop events the filter rejects, and events missing the field it tests", async () => {
    const { result } = compiled({ filter: 'data.status = "completed"' });
    expect(await passesFilter(result!, event({ status: "completed" }))).toBe(true);
    expect(await passesFilter(result!, event({ status: "ready" }))).toBe(false);
    expect(await passesFilter(result!, event({}))).toBe(false);
  });

  it("pass the event's data through when no mapping is given", async () => {
    const { result } = compiled({});
    expect(await applyRoute(result!, event({ x: [1] }), {})).toEqual({ filtered: false, payload: { x: [1] } });
  });

  it("turn an expression failing at run time into a MappingError (dead-lettered, never retried)", async () => {
    const { result } = compiled({ mapping: "$notAFunction(data)" });
    await expect(applyRoute(result!, event({}), {})).rejects.toBeInstanceOf(MappingError);
  });

  it("treat a mapping that yields nothing as an error", async () => {
    const { result } = compiled({ mapping: "data.absent" });
    await expect(applyRoute(result!, event({}), {})).rejects.toThrow(/produced nothing/);
  });

  it("report a syntax error with file, route, field and position at start-up", () => {
    const { result, problems } = compiled({ mapping: '{ "a": data.x, }' });
    expect(result).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({ file: "routes/test.yaml", path: "routes.r.mapping", message: expect.stringMatching(/syntax error at position 16/) }),
    ]);
  });
});
