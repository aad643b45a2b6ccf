import { bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fakes/fake-server.js";

/**
 * Tracktile's `PUT /customers/{id}` (the two-way sync's write), with `Authorization: Bearer api-…`
 * and errors as `{"status":…,"message":"…"}` like the real API. (fake-tracktile-api.ts, the
 * enrichment stand-in, is shared with other work; this one only takes writes.)
 */
export class FakeTracktileCustomers extends FakeServer {
  readonly customers = new Map<string, Record<string, unknown>>();
  /** Successful PUTs, in order. */
  readonly updates: Array<Record<string, unknown>> = [];

  constructor(readonly token = "api-7f3a91c2e4") {
    super();
  }

  static start(token?: string): Promise<FakeTracktileCustomers> {
    return new FakeTracktileCustomers(token).listen();
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (bearerToken(request.headers.authorization) !== this.token) return { status: 401, body: { status: 401, message: "Token expired or revoked" } };
    const match = /^\/customers\/([^/]+)$/.exec(request.path);
    if (request.method !== "PUT" || !match) return { status: 404, body: { status: 404, message: "Not found" } };
    const id = decodeURIComponent(match[1]!);
    if (!this.customers.has(id)) return { status: 404, body: { status: 404, message: `Customer ${id} not found` } };
    const body = request.json;
    if (!body || typeof body !== "object" || Array.isArray(body))
      return { status: 400, body: { status: 400, message: "Body must be a JSON object" } };
    const customer = { ...(body as object), id };
    this.customers.set(id, customer);
    this.updates.push(customer);
    return { status: 200, body: customer };
  }
}
