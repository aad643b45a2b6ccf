import { describe, expect, it } from "vitest";
import { asyncApiDocument } from "../../../src/ops/docs/index.js";
import { asyncApiProblems, shippedTable, tableFromYaml } from "./validators.js";

const settings = { exchange: "events", queuePrefix: "webhook-router." };

describe("polling sources in the AsyncAPI document", () => {
  it("give each its event's channel, whose CloudEvent source is /polls/{sourceId}, and the document stays valid", async () => {
    const document = asyncApiDocument({ table: shippedTable(), settings }) as unknown as {
      channels: Record<
        string,
        { description: string; messages: Record<string, { payload: { allOf: Array<{ properties?: Record<string, unknown> }> } }> }
      >;
      operations: Record<string, unknown>;
    };
    const channel = document.channels["tracktile-products.product.changed"]!;
    expect(channel.description).toMatch(/^Each item polling source `tracktile-products` reads \(`GET …\/products`\)/);
    expect(channel.description).toContain("No route of this router consumes it");
    const narrowed = Object.values(channel.messages)[0]!.payload.allOf[1]!;
    expect(narrowed.properties).toMatchObject({
      type: { const: "tracktile-products.product.changed" },
      source: { const: "/polls/tracktile-products" },
    });
    expect(document.operations["send.tracktile-products.product.changed"]).toBeDefined();
    expect(await asyncApiProblems(document)).toEqual([]);
  });

  it("name the routes that consume them", () => {
    const table = tableFromYaml(`
sources:
  stock:
    kind: poll
    every: 1h
    request: { url: "https://erp.example.com/stock?since={cursor}" }
    items: rows
    event: { name: level.changed, id: sku, modified: at }
destinations:
  wms: { kind: http, url: "https://wms.example.com/levels" }
routes:
  stock-to-wms:
    events: [stock.#]
    destination: wms
`);
    const document = asyncApiDocument({ table, settings }) as unknown as { channels: Record<string, { description: string }> };
    expect(document.channels["stock.level.changed"]?.description).toContain("Consumed by route `stock-to-wms` (queue `webhook-router.stock-to-wms`)");
  });
});
