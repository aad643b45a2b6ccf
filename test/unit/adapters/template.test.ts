import { describe, expect, it } from "vitest";
import { compileTemplate, templateProblem, TemplateValueError } from "../../../src/adapters/template.js";
import { sampleEvent } from "../../helpers/fakes/index.js";

const event = sampleEvent({ id: "evt-1", data: { orderId: "PO 8841/1", qty: 5, nested: { ok: true } } });

describe("compileTemplate", () => {
  it("fills event and payload placeholders", () => {
    const render = compileTemplate("/o/{event.data.orderId}/{payload.line.sku}?e={event.id}&q={event.data.qty}&n={event.data.nested.ok}");
    expect(render({ event, payload: { line: { sku: "SKU-1" } } })).toBe("/o/PO 8841/1/SKU-1?e=evt-1&q=5&n=true");
  });

  it("encodes each value, never the template's own text", () => {
    const render = compileTemplate("https://x.test/a/{event.data.orderId}?k=v", encodeURIComponent);
    expect(render({ event, payload: {} })).toBe("https://x.test/a/PO%208841%2F1?k=v");
  });

  it.each([
    ["a missing value", "{payload.nope}"],
    ["an object", "{event.data.nested}"],
    ["an empty string", "{payload.empty}"],
  ])("throws TemplateValueError for %s", (_what, template) => {
    expect(() => compileTemplate(template)({ event, payload: { empty: "" } })).toThrow(TemplateValueError);
  });

  it.each(["{data.orderId}", "{event.data..x}", "{ }", "a{b", "a}b", "{{event.id}}"])("refuses %s at compile time", (template) => {
    expect(templateProblem(template)).toBeDefined();
  });

  it("accepts a template without placeholders", () => {
    expect(templateProblem("https://x.test/static")).toBeUndefined();
    expect(compileTemplate("plain")({ event, payload: undefined })).toBe("plain");
  });
});
