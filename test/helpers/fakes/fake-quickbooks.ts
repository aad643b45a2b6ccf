import { basicCredentials, bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fake-server.js";

export interface FakeQuickBooksOptions {
  /** @defaultValue "9130350000000001" */
  readonly realmId?: string;
  /** @defaultValue "qbo-client-id" */
  readonly clientId?: string;
  /** @defaultValue "qbo-client-secret" */
  readonly clientSecret?: string;
  /** The refresh token the app was authorized with. @defaultValue "qbo-refresh-initial" */
  readonly refreshToken?: string;
  /**
   * Issue a new refresh token on every refresh and revoke the old one at once (stricter than
   * Intuit, which keeps the old one valid a while: a client that forgets to store fails here).
   * @defaultValue true
   */
  readonly rotate?: boolean;
  /** @defaultValue 3600 */
  readonly accessTokenLifetimeSeconds?: number;
}

/** One entity the fake created. */
export interface QboEntity {
  readonly Id: string;
  readonly [field: string]: unknown;
}

const TOKEN_PATH = "/oauth2/v1/tokens/bearer";
const ENTITY_PATH = /^\/v3\/company\/([^/]+)\/([a-z]+)$/;
const NAMES: Record<string, string> = {
  invoice: "Invoice",
  customer: "Customer",
  salesreceipt: "SalesReceipt",
  payment: "Payment",
  item: "Item",
  vendor: "Vendor",
  bill: "Bill",
  estimate: "Estimate",
  creditmemo: "CreditMemo",
  journalentry: "JournalEntry",
};

/** A QuickBooks Online `Fault` body, e.g. `qboFault("ValidationFault", "6140", "Duplicate Document Number Error")`. */
export function qboFault(type: string, code: string, message: string, detail = message): unknown {
  return { Fault: { Error: [{ Message: message, Detail: detail, code, element: "" }], type }, time: new Date().toISOString() };
}

/**
 * QuickBooks Online: the OAuth2 token endpoint (refresh-token grant, rotating refresh tokens) and
 * `POST /v3/company/{realmId}/{entity}?minorversion=&requestid=` that creates entities and replays
 * the first answer for a repeated `requestid`, as Intuit documents. Set the adapter's `baseUrl`
 * to `url` and `tokenUrl` to `tokenUrl`.
 *
 * `failNext`/`delayNext` apply to the API, not to the token endpoint (`failTokenNext`).
 */
export class FakeQuickBooks extends FakeServer {
  readonly realmId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Access tokens issued so far, oldest first. */
  readonly issuedAccessTokens: string[] = [];
  /** Every refresh token ever valid, oldest first (the initial one included). */
  readonly issuedRefreshTokens: string[] = [];
  readonly #entities = new Map<string, QboEntity[]>();
  readonly #replies = new Map<string, FakeResponse>();
  readonly #validAccess = new Set<string>();
  /**
   * How late the token endpoint answers, having rotated at once: a second refresh sent meanwhile
   * with the same (now revoked) token gets `invalid_grant`, as two processes racing would.
   */
  tokenDelayMs = 0;
  #refreshToken: string | undefined;
  #tokenFailures: Array<{ remaining: number; response: FakeResponse }> = [];

  constructor(private readonly options: FakeQuickBooksOptions = {}) {
    super();
    this.realmId = options.realmId ?? "9130350000000001";
    this.clientId = options.clientId ?? "qbo-client-id";
    this.clientSecret = options.clientSecret ?? "qbo-client-secret";
    this.#refreshToken = options.refreshToken ?? "qbo-refresh-initial";
    this.issuedRefreshTokens.push(this.#refreshToken);
  }

  static start(options: FakeQuickBooksOptions = {}): Promise<FakeQuickBooks> {
    return new FakeQuickBooks(options).listen();
  }

  get tokenUrl(): string {
    return `${this.url}${TOKEN_PATH}`;
  }

  /** The refresh token the fake accepts now; undefined after `revokeRefreshToken()`. */
  get currentRefreshToken(): string | undefined {
    return this.#refreshToken;
  }

  /** Successful refreshes so far. */
  get refreshes(): number {
    return this.issuedAccessTokens.length;
  }

  /** Entities of one kind created so far (`invoice`, `customer`…). */
  entities(entity: string): QboEntity[] {
    return this.#entities.get(entity) ?? [];
  }

  /** Invalidates every access token: the next API call gets 401 with Fault code 3200. */
  expireToken(): void {
    this.#validAccess.clear();
  }

  /** Invalidates the refresh token: every refresh now gets 400 `invalid_grant`. */
  revokeRefreshToken(): void {
    this.#refreshToken = undefined;
  }

  /** Answers the next `count` token requests with `status` and `body`. */
  failTokenNext(count: number, status: number, body: unknown = { error: "server_error" }): this {
    this.#tokenFailures.push({ remaining: count, response: { status, body } });
    return this;
  }

  protected override scriptable(request: RecordedRequest): boolean {
    return request.path !== TOKEN_PATH;
  }

  protected async handle(request: RecordedRequest): Promise<FakeResponse> {
    if (request.path === TOKEN_PATH && request.method === "POST") {
      const response = this.#token(request);
      if (this.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
      return response;
    }
    const match = ENTITY_PATH.exec(request.path);
    if (!match || request.method !== "POST") return { status: 404, body: qboFault("ValidationFault", "404", "Unsupported operation") };
    const reply = this.#create(request, match[1] ?? "", match[2] ?? "");
    return { ...reply, headers: { intuit_tid: `tid-${this.requests.length}`, ...reply.headers } };
  }

  #token(request: RecordedRequest): FakeResponse {
    const scripted = this.#tokenFailures.find((item) => item.remaining > 0);
    if (scripted) {
      scripted.remaining -= 1;
      this.#tokenFailures = this.#tokenFailures.filter((item) => item.remaining > 0);
      return scripted.response;
    }
    const client = basicCredentials(request.headers.authorization);
    if (client?.username !== this.clientId || client.password !== this.clientSecret) return { status: 401, body: { error: "invalid_client" } };
    if (request.form.grant_type !== "refresh_token") return { status: 400, body: { error: "unsupported_grant_type" } };
    if (!this.#refreshToken || request.form.refresh_token !== this.#refreshToken) return { status: 400, body: { error: "invalid_grant" } };
    const n = this.issuedAccessTokens.length + 1;
    const access = `qbo-access-${n}-${Math.random().toString(36).slice(2, 10)}`;
    this.issuedAccessTokens.push(access);
    this.#validAccess.add(access);
    if (this.options.rotate ?? true) {
      this.#refreshToken = `qbo-refresh-${n}-${Math.random().toString(36).slice(2, 10)}`;
      this.issuedRefreshTokens.push(this.#refreshToken);
    }
    return {
      status: 200,
      body: {
        token_type: "bearer",
        access_token: access,
        expires_in: this.options.accessTokenLifetimeSeconds ?? 3600,
        refresh_token: this.#refreshToken,
        x_refresh_token_expires_in: 8_726_400,
      },
    };
  }

  #create(request: RecordedRequest, realmId: string, entity: string): FakeResponse {
    if (!this.#validAccess.has(bearerToken(request.headers.authorization) ?? "")) {
      return {
        status: 401,
        body: {
          fault: {
            error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "Token expired", code: "3200" }],
            type: "AUTHENTICATION",
          },
          time: new Date().toISOString(),
        },
      };
    }
    if (realmId !== this.realmId) return { status: 403, body: qboFault("AuthorizationFault", "003100", "ApplicationAuthorizationFailed") };
    const minor = Number(request.query.minorversion ?? "75");
    if (!(minor >= 75)) return { status: 400, body: qboFault("ValidationFault", "2010", `Invalid minorversion ${request.query.minorversion}`) };
    const requestId = request.query.requestid;
    const replay = requestId === undefined ? undefined : this.#replies.get(`${realmId}/${requestId}`);
    if (replay) return replay;
    const body = request.json as Record<string, unknown> | undefined;
    const reply = this.#validate(entity, body) ?? this.#store(entity, body ?? {});
    if (requestId !== undefined) this.#replies.set(`${realmId}/${requestId}`, reply);
    return reply;
  }

  #validate(entity: string, body: Record<string, unknown> | undefined): FakeResponse | undefined {
    if (!body || typeof body !== "object")
      return { status: 400, body: qboFault("ValidationFault", "2500", "Invalid Request", "Request body is not JSON") };
    if (entity === "invoice" && (!body.CustomerRef || !Array.isArray(body.Line))) {
      return {
        status: 400,
        body: qboFault(
          "ValidationFault",
          "2020",
          "Required param missing, need to supply the required value for the API",
          "Required parameter CustomerRef/Line is missing",
        ),
      };
    }
    return undefined;
  }

  #store(entity: string, body: Record<string, unknown>): FakeResponse {
    const list = this.#entities.get(entity) ?? [];
    this.#entities.set(entity, list);
    const created: QboEntity = { ...body, Id: String(100 + [...this.#entities.values()].flat().length + 1), SyncToken: "0" };
    list.push(created);
    const name = NAMES[entity] ?? entity.charAt(0).toUpperCase() + entity.slice(1);
    return { status: 200, body: { [name]: created, time: new Date().toISOString() } };
  }
}
