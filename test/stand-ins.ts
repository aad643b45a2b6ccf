/**
 * `npm run stand-ins`: local stand-ins for the example routes' targets — Tracktile's API (with a
 * sample order and shipment), QuickBooks Online, Odoo and ShipBob — on the ports example.env
 * points at, printing every call they receive. For trying the router end to end on a laptop; the
 * same servers back the test suite.
 */
import { startFakeTracktileApi } from "./helpers/fake-tracktile-api.js";
import { FakeOdoo, FakeQuickBooks, FakeShipBob, type FakeServer } from "./helpers/fakes/index.js";

const PORTS = { tracktile: 9101, quickbooks: 9102, odoo: 9103, shipbob: 9104 };

const tracktile = await startFakeTracktileApi("api-dev-token", PORTS.tracktile);
const quickbooks = await new FakeQuickBooks({ clientId: "dev-qbo-client", clientSecret: "dev-qbo-secret", refreshToken: "dev-qbo-refresh" }).listen(PORTS.quickbooks);
const odoo = await new FakeOdoo({ database: "dev", login: "api@example.com", apiKey: "dev-odoo-key" }).listen(PORTS.odoo);
const shipbob = await new FakeShipBob({ token: "dev-shipbob-token", channelId: "101" }).listen(PORTS.shipbob);

console.log(`stand-ins listening:
  Tracktile API  ${tracktile.url}   (orders: ord_8841, shipments: shp_456)
  QuickBooks     ${quickbooks.url}
  Odoo           ${odoo.url}
  ShipBob        ${shipbob.url}
Ctrl-C to stop. Every call received is printed below.`);

// Print each call as it arrives, with the JSON it carried.
const watched: Array<[string, { requests: Array<{ method: string; path: string; json?: unknown }> }]> = [
  ["tracktile", tracktile],
  ["quickbooks", quickbooks as FakeServer],
  ["odoo", odoo as FakeServer],
  ["shipbob", shipbob as FakeServer],
];
const seen = new Map<string, number>();
setInterval(() => {
  for (const [name, server] of watched) {
    const from = seen.get(name) ?? 0;
    for (const request of server.requests.slice(from)) {
      console.log(`${new Date().toISOString()} ${name.padEnd(10)} ${request.method} ${request.path} ${request.json === undefined ? "" : JSON.stringify(request.json)}`);
    }
    seen.set(name, server.requests.length);
  }
}, 200);
