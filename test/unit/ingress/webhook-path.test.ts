import { describe, expect, it } from "vitest";
import { plainWebhookTarget } from "../../../src/ingress/webhook-path.js";

describe("which webhook URLs take the plain node:http path", () => {
  it("a source, with or without an event name, trailing slash or query", () => {
    expect(plainWebhookTarget("/webhooks/tracktile")).toEqual({ sourceId: "tracktile", eventName: undefined });
    expect(plainWebhookTarget("/webhooks/tracktik/entity:employees.created")).toEqual({
      sourceId: "tracktik",
      eventName: "entity:employees.created",
    });
    expect(plainWebhookTarget("/webhooks/tracktile/")).toEqual({ sourceId: "tracktile", eventName: undefined });
    expect(plainWebhookTarget("/webhooks/tracktile?x=1&y=/z")).toEqual({ sourceId: "tracktile", eventName: undefined });
  });

  it("leaves every other spelling to express, which matches it with the same handler", () => {
    for (const url of ["/Webhooks/tracktile", "/webhooks/track%74ile", "/webhooks/a/b/c", "/webhooks/", "/webhooks//x", "/webhooksx/a", "/healthz"]) {
      expect(plainWebhookTarget(url), url).toBeUndefined();
    }
  });
});
