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
