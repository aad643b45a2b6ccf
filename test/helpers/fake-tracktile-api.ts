import { createHmac, randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { urlOf } from "./fakes/fake-server.js";

/**
 * A local stand-in for Tracktile's REST API (`https://api.tracktile.io`), for enrichment:
 * `GET /orders/{id}` and `GET /shipments/{id}` with `Authorization: Bearer api-…`, answering
 * `{"status":401,"message":…}` like the real one on a bad token.
 */
export interface FakeTracktileApi {
  readonly url: string;
  readonly token: string;
  readonly requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  orders: Map<string, unknown>;
  shipments: Map<string, unknown>;
  /** Two-way sync: `PUT`/`GET /customers/{id}` and the "customer.updated" webhooks (see below). */
  readonly customers: FakeTracktileCustomers;
  /** The next `count` requests answer `status` instead. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
  /** `GET /products?modifiedSince=…&page=…&limit=…` (the polling source's stand-in): see ProductsApi. */
  readonly products: ProductsApi;
}

/**
 * Starts the stand-in with the sample order `ord_8841` and shipment `shp_456` from
 * test/fixtures/tracktile-api (what the shipped routes' examples enrich with).
 */
export async function startFakeTracktileApi(token = "api-test-token", port = 0, host = "127.0.0.1"): Promise<FakeTracktileApi> {
  const requests: FakeTracktileApi["requests"] = [];
  const orders = new Map<string, unknown>(Object.entries(readJson("orders.json")));
  const shipments = new Map<string, unknown>(Object.entries(readJson("shipments.json")));
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const customers = new FakeTracktileCustomers();
  const products = productsApi(readJson("products.json") as unknown as Product[]);

  const server: Server = createServer((request: IncomingMessage, response) => {
    const path = request.url ?? "/";
    requests.push({ method: request.method ?? "GET", path, authorization: request.headers.authorization });
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (failures.count > 0) {
      failures.count -= 1;
      return answer(failures.status, { status: failures.status, message: "scripted failure" });
    }
    if (request.headers.authorization !== `Bearer ${token}`) return answer(401, { status: 401, message: "Invalid or expired token" });
    if (customers.handles(request, path, answer)) return;
    if (path === "/products" || path.startsWith("/products?")) return products.serve(path, answer);
    const match = /^\/(orders|shipments)\/([^/?]+)$/.exec(path);
    const table = match?.[1] === "orders" ? orders : match?.[1] === "shipments" ? shipments : undefined;
    const found = table?.get(decodeURIComponent(match![2]!));
    if (!found) return answer(404, { status: 404, message: "Not found" });
    return answer(200, found);
  });
  server.listen(port, host);
  // Rejects with node's error (EADDRINUSE…) when the port cannot be had.
  await once(server, "listening");
  return {
    url: urlOf(host, (server.address() as AddressInfo).port),
    token,
    requests,
    orders,
    shipments,
    customers,
    failNext(count, status) {
      failures = { count, status };
    },
    products,
    // Keep-alive connections (the router's HTTP pool) would hold close() open until they idle out.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/tracktile-api/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

// ---- Customers, for the two-way sync (routes erp-customer-updated-to-tracktile and back) ----

/** A customer as the stand-in keeps it: what was PUT, plus who changed it last. */
export interface TracktileCustomer {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** Where Tracktile's webhooks go, and the hook's secret (X-Tracktile-Signature). */
export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
}

/**
 * Tracktile's customers: `PUT /customers/{id}` stores the body (the id from the path) and
 * `GET /customers/{id}` returns it. After each change — a PUT, or `edit` (a change made in
 * Tracktile itself) — the platform sends its signed "customer.updated" webhook to `webhookTo`
 * when set, as a real hook would: flat JSON with the customer's fields and `lastUpdatedBy` (the
 * API user for a PUT, when `apiUser` names it). Tracktile's customer events are not documented
 * (research/senders.md); this shape follows its documented order and shipment events.
 */
export class FakeTracktileCustomers {
  readonly records = new Map<string, TracktileCustomer>();
  /** Every PUT, body parsed. */
  readonly puts: Array<{ id: string; body: unknown; idempotencyKey: string | undefined }> = [];
  /** Every webhook sent, and the router's answer (or the error). */
  readonly webhooks: Array<{ body: Record<string, unknown>; status?: number; error?: string }> = [];
  webhookTo: WebhookTarget | undefined;
  /** Who a PUT is attributed to in `lastUpdatedBy`; unset: the webhook of a PUT names nobody. */
  apiUser: string | undefined;
  #sending = new Set<Promise<void>>();

  /** Takes `/customers/{id}` requests; false for any other path. */
  handles(request: IncomingMessage, path: string, answer: (status: number, body: unknown) => void): boolean {
    const match = /^\/customers\/([^/?]+)$/.exec(path);
    if (!match) return false;
    const id = decodeURIComponent(match[1]!);
    if (request.method === "GET") {
      const found = this.records.get(id);
      answer(found ? 200 : 404, found ?? { status: 404, message: "Not found" });
      return true;
    }
    if (request.method !== "PUT") {
      answer(405, { status: 405, message: "Method not allowed" });
      return true;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        return answer(400, { status: 400, message: "Body is not JSON" });
      }
      const key = request.headers["idempotency-key"];
      this.puts.push({ id, body, idempotencyKey: typeof key === "string" ? key : undefined });
      const stored = this.#store(id, body, this.apiUser);
      answer(200, stored);
      // After the answer, as the platform does once the change is committed.
      this.#notify(stored);
    });
    return true;
  }

  /** A change made in Tracktile itself, by `by` (a person, or another job of the API user): stored, and its webhook sent. */
  async edit(id: string, changes: Record<string, unknown>, by: string): Promise<TracktileCustomer> {
    const stored = this.#store(id, { ...this.records.get(id), ...changes }, by);
    this.#notify(stored);
    await this.settled();
    return stored;
  }

  /** Waits for the webhooks on their way. */
  async settled(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  #store(id: string, body: Record<string, unknown>, by: string | undefined): TracktileCustomer {
    const { lastUpdatedBy: _ignored, ...fields } = body;
    const stored: TracktileCustomer = { ...fields, id, ...(by === undefined ? {} : { lastUpdatedBy: by }) };
    this.records.set(id, stored);
    return stored;
  }

  #notify(customer: TracktileCustomer): void {
    const target = this.webhookTo;
    if (!target) return;
    const { id, ...fields } = customer;
    const body = {
      id: `evt_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
      kind: "customer.updated",
      time: new Date().toISOString(),
      transactionId: `txn_${randomUUID().replaceAll("-", "").slice(0, 12)}`,
      customerId: id,
      ...fields,
    };
    const text = JSON.stringify(body);
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac("sha256", target.secret).update(`${t}.${text}`).digest("hex");
    const sent = fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tracktile-signature": `t=${t},v1=${v1}` },
      body: text,
    })
      .then(async (response) => {
        await response.arrayBuffer();
        this.webhooks.push({ body, status: response.status });
      })
      .catch((error: Error) => {
        this.webhooks.push({ body, error: error.message });
      })
      .finally(() => this.#sending.delete(sent));
    this.#sending.add(sent);
  }
}

// --- Products (polling source stand-in) ------------------------------------------------------

/** A Tracktile product as `GET /products` lists it. */
export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

/**
 * `GET /products?modifiedSince=<ISO>&page=<n>&limit=<size>`: the products changed at or after
 * `modifiedSince`, oldest change first, `limit` (default 100) per page from page 1, as
 * `{"products": […], "page": n, "limit": size, "total": count}`.
 */
export interface ProductsApi {
  /** Every product by id; `upsert` to add or change one. */
  readonly all: Map<string, Product>;
  upsert(product: Product): void;
  /** Every products request's query, in order. */
  readonly requests: Array<{ modifiedSince: string | null; page: number; limit: number }>;
  /** Requests for `page` wait until `release()`; resolves when the first such request has arrived. */
  hold(page: number): { arrived: Promise<void>; release(): void };
  serve(path: string, answer: (status: number, body: unknown) => void): void;
}

export function productsApi(seed: readonly Product[]): ProductsApi {
  const all = new Map(seed.map((product) => [product.id, product]));
  const requests: ProductsApi["requests"] = [];
  const holds = new Map<number, { arrived: () => void; released: Promise<void> }>();
  return {
    all,
    requests,
    upsert: (product) => void all.set(product.id, product),
    hold(page) {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(page, { arrived, released });
      return {
        arrived: arrival,
        release() {
          holds.delete(page);
          release();
        },
      };
    },
    serve(path, answer) {
      const query = new URL(path, "http://stand-in").searchParams;
      const modifiedSince = query.get("modifiedSince");
      const page = Number(query.get("page") ?? 1);
      const limit = Number(query.get("limit") ?? 100);
      const since = modifiedSince ? Date.parse(modifiedSince) : Number.NEGATIVE_INFINITY;
      if (Number.isNaN(since) || !(page >= 1) || !(limit >= 1 && limit <= 1000)) {
        return answer(400, { status: 400, message: "modifiedSince must be ISO 8601, page ≥ 1, 1 ≤ limit ≤ 1000" });
      }
      requests.push({ modifiedSince, page, limit });
      const changed = [...all.values()]
        .filter((product) => Date.parse(product.updatedAt) >= since)
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
      const send = () => answer(200, { products: changed.slice((page - 1) * limit, page * limit), page, limit, total: changed.length });
      const held = holds.get(page);
      if (!held) return send();
      held.arrived();
      void held.released.then(send);
    },
  };
}
