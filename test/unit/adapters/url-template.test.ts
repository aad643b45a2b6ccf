import { describe, expect, it } from "vitest";
import { TemplateValueError } from "../../../src/adapters/template.js";
import { compileUrlTemplate, urlTemplateProblem } from "../../../src/adapters/url-template.js";
import { sampleEvent } from "../../helpers/fakes/index.js";

const BASE = "https://erp.example.com/api";
const render = (template: string, value: string) => compileUrlTemplate(template)({ event: sampleEvent({ data: { v: value } }), payload: {} });

// The values the issue names: each would move the call elsewhere if it reached the URL as is.
const HOSTILE = ["..", ".", "%2e%2e", "%2E%2E", "/", "?", "#", "@", "http://x", "../../admin", ""];

describe("URL templates: a value never changes where the call goes", () => {
  it.each([
    ["..", "a whole path segment that climbs one up"],
    [".", "a whole path segment that URL parsing drops"],
    ["", "an empty segment"],
  ])("refuses %j as %s", (value) => {
    expect(() => render(`${BASE}/orders/{event.data.v}/lines`, value)).toThrow(TemplateValueError);
    expect(() => render(`${BASE}/orders/{event.data.v}`, value)).toThrow(TemplateValueError);
  });

  it.each(HOSTILE.filter((value) => ![".", "..", ""].includes(value)))("keeps %j inside its own path segment, encoded", (value) => {
    const url = new URL(render(`${BASE}/orders/{event.data.v}/lines`, value));
    expect(url.origin).toBe("https://erp.example.com");
    expect(url.pathname).toBe(`/api/orders/${encodeURIComponent(value)}/lines`);
    expect(url.search).toBe("");
  });

  it("encodes a percent-encoded dot, so it stays a literal value", () => {
    expect(render(`${BASE}/orders/{event.data.v}`, "%2e%2e")).toBe(`${BASE}/orders/%252e%252e`);
  });

  it.each(HOSTILE.filter((value) => value !== ""))("keeps %j inside its query parameter, encoded", (value) => {
    const url = new URL(render(`${BASE}/orders?ref={event.data.v}&limit=1`, value));
    expect(url.pathname).toBe("/api/orders");
    expect(url.searchParams.get("ref")).toBe(value);
    expect(url.searchParams.get("limit")).toBe("1");
    expect(url.hash).toBe("");
  });

  it("refuses an empty value in the query too", () => {
    expect(() => render(`${BASE}/orders?ref={event.data.v}`, "")).toThrow(TemplateValueError);
  });

  it("refuses a value that completes a dot segment begun by the template's own text", () => {
    expect(() => render(`${BASE}/a/%2e{event.data.v}/b`, ".")).toThrow(TemplateValueError);
    expect(() => render(`${BASE}/a/.{event.data.v}/b`, ".")).toThrow(/reads as "\.\."/);
  });

  it("allows dots that are part of a longer segment", () => {
    expect(render(`${BASE}/files/{event.data.v}`, "v1.2..3")).toBe(`${BASE}/files/v1.2..3`);
    expect(render(`${BASE}/files/v{event.data.v}`, ".")).toBe(`${BASE}/files/v.`);
  });

  it("names the placeholder and the segment in the error", () => {
    expect(() => render(`${BASE}/orders/{event.data.v}/lines`, "..")).toThrow(/\{event\.data\.v\}.*"\.\."/);
  });
});

describe("URL templates: placeholders stand only after the host", () => {
  it.each([
    "https://{event.data.tenant}.example.com/orders",
    "https://erp.example.com:{event.data.port}/orders",
    "https://user:{payload.password}@erp.example.com/orders",
    "{event.data.url}/orders",
    "https://erp.example.com{event.data.path}",
  ])("refuses %s at start-up", (template) => {
    expect(urlTemplateProblem(template)).toMatch(/placeholder may only stand after the host|absolute/);
  });

  it.each([`${BASE}/{event.id}`, `${BASE}?id={event.id}`, "https://erp.example.com/", `${BASE}/o/{event.id}#{payload.x}`])(
    "accepts %s",
    (template) => {
      expect(urlTemplateProblem(template)).toBeUndefined();
    },
  );
});
