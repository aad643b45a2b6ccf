import { bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fake-server.js";

export interface FakeShipBobOptions {
  /** The personal access token it accepts. @defaultValue "shipbob-pat-secret" */
  readonly token?: string;
  /** The `shipbob_channel_id` it expects. @defaultValue "101" */
  readonly channelId?: string;
}

/** One order the fake created. */
export interface ShipBobOrder {
  readonly id: number;
  readonly reference_id: string;
  readonly [field: string]: unknown;
}

const ORDER_PATH = /^\/([^/]+)\/order$/;

/**
 * ShipBob's `POST /{version}/order`: Bearer token, `shipbob_channel_id` header, `reference_id`
 * unique per account — a repeat gets 422 "Duplicate reference ID" (ShipBob documents the status
 * and phrase, not the body; the fake answers a problem-details body containing the phrase).
 */
export class FakeShipBob extends FakeServer {
  /** Orders created, oldest first. */
  readonly orders: ShipBobOrder[] = [];
  readonly token: string;
  readonly channelId: string;

  constructor(options: FakeShipBobOptions = {}) {
    super();
    this.token = options.token ?? "shipbob-pat-secret";
    this.channelId = options.channelId ?? "101";
  }

  static start(options: FakeShipBobOptions = {}): Promise<FakeShipBob> {
    return new FakeShipBob(options).listen();
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (!ORDER_PATH.test(request.path) || request.method !== "POST") return { status: 404, body: { title: "Not Found", status: 404 } };
    if (bearerToken(request.headers.authorization) !== this.token) return { status: 401, body: { title: "Unauthorized", status: 401 } };
    if (request.headers.shipbob_channel_id !== this.channelId) {
      return { status: 403, body: { title: "Forbidden", status: 403, detail: "The channel is not accessible with this token" } };
    }
    const body = request.json as Record<string, unknown> | undefined;
    const reference = body?.reference_id;
    if (typeof reference !== "string" || reference === "") {
      return {
        status: 400,
        body: { title: "One or more validation errors occurred.", status: 400, errors: { reference_id: ["The reference_id field is required."] } },
      };
    }
    if (this.orders.some((order) => order.reference_id === reference)) {
      return {
        status: 422,
        body: { title: "Duplicate reference ID", status: 422, detail: `An order with reference_id ${reference} already exists` },
      };
    }
    const order: ShipBobOrder = {
      ...body,
      id: 9000 + this.orders.length + 1,
      reference_id: reference,
      status: "Processing",
      created_date: new Date().toISOString(),
    };
    this.orders.push(order);
    return { status: 201, body: order };
  }
}
