import type { FakeOdoo } from "./fakes/index.js";

/**
 * A routing table with one route `orders-to-odoo` to a search-then-create target (Odoo, found by
 * client_order_ref): room for several copies at once (prefetch 8), and a short base delay — the
 * delay a copy held back by another worker's claim waits.
 */
export const odooRoute = (odooUrl: string) => `
destinations:
  erp: { kind: odoo, api: json2, url: "${odooUrl}", database: odoo, login: api@example.com, apiKey: odoo-api-key-secret, timeoutMs: 5000 }
routes:
  orders-to-odoo:
    events: app.order.*
    mapping: '{ "model": "sale.order", "reference": { "field": "client_order_ref", "value": data.orderId }, "values": { "partner_id": 15 } }'
    destination: erp
    retry: { attempts: 3, baseDelay: 150ms, maxDelay: 1s, jitter: 0 }
    concurrency: 8
`;

/** Odoo answers the next `count` searches late, so every copy in flight searches before any creates. */
export const slowSearches = (odoo: FakeOdoo, count: number) => odoo.delayNext(count, 300, (request) => request.path.endsWith("/search_read"));

/** The sale.orders Odoo holds for `reference`. */
export const ordersFor = (odoo: FakeOdoo, reference: string) => odoo.records("sale.order").filter((order) => order.client_order_ref === reference);

export const DELIVERED = "event delivered";
export const DUPLICATE = "event already delivered; skipped";
export const HELD_BACK = "event being delivered by another worker; held back";
