/**
 * Local stand-ins for the systems of record, speaking their public request shapes: start one per
 * test (`await FakeOdoo.start()`), point a destination at `fake.url`, script failures with
 * `failNext` / `delayNext` / `down`, and assert on `fake.requests` and the fake's records.
 */
export { basicCredentials, bearerToken, FakeServer, type FakeResponse, type RecordedRequest, type RequestMatcher } from "./fake-server.js";
export { FakeHttpSink, type FakeHttpSinkOptions, type SinkAuth, type SinkRecord } from "./fake-http-sink.js";
export { FakeOdoo, OdooException, type FakeOdooOptions, type OdooCall, type OdooRecord } from "./fake-odoo.js";
export { FakeQuickBooks, qboFault, type FakeQuickBooksOptions, type QboEntity } from "./fake-quickbooks.js";
export { FakeLimitedTarget, type Accepted, type TargetLimits } from "./fake-limited-target.js";
export { FakeShipBob, type FakeShipBobOptions, type ShipBobOrder } from "./fake-shipbob.js";
export { deliveryOf, failureOf, sampleEvent, silentLogger } from "./delivery.js";
