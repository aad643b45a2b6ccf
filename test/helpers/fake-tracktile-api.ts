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
