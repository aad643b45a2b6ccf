import { bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fakes/fake-server.js";

export interface FakeTrackViaOptions {
  /** The account's API key, required as `user_key` on every request. @defaultValue "tv-user-key" */
  readonly userKey?: string;
  /** The API user for the password grant. @defaultValue "api@example.com" */
  readonly username?: string;
  /** @defaultValue "tv-password" */
  readonly password?: string;
  /** A refresh token valid from the start (as if issued by an earlier login). @defaultValue "tv-refresh-initial" */
  readonly refreshToken?: string;
  /** @defaultValue 300 (TrackVia's access tokens are short-lived) */
  readonly accessTokenLifetimeSeconds?: number;
  /** How long a refresh token lives, announced as `refreshToken.expiration`. @defaultValue 30 days */
  readonly refreshTokenLifetimeMs?: number;
}

/** One record the fake holds. */
export interface TrackViaRecord {
  readonly id: number;
  readonly viewId: string;
  readonly [field: string]: unknown;
}

const TOKEN_PATH = "/oauth/token";
const RECORDS = /^\/openapi\/views\/(\d+)\/records(?:\/(\d+))?$/;
/** TrackVia's public OAuth client. */
export const TRACKVIA_CLIENT_ID = "TrackViaAPI";

/**
 * TrackVia's API as its public docs and SDK show it: every call carries `user_key`; `POST
 * /oauth/token` (client `TrackViaAPI`, password or refresh_token grant, answered Spring-style with
 * `access_token`, `refresh_token`, `expires_in` and `refreshToken.expiration`); records created with
 * `POST /openapi/views/{viewId}/records` and updated with `PUT …/records/{recordId}`, bodies
 * `{"data":[{…}]}`. An expired access token gets 401 `invalid_token` "Access token expired: …".
 * Refresh tokens are single-use: a refresh revokes the one it used at once.
 */
export class FakeTrackViaApi extends FakeServer {
  readonly userKey: string;
  readonly username: string;
  readonly password: string;
  /** Access tokens issued so far, oldest first. */
  readonly issuedAccessTokens: string[] = [];
  /** Every refresh token ever valid, oldest first (the initial one included). */
  readonly issuedRefreshTokens: string[] = [];
  /** How late the token endpoint answers (having rotated at once): a racing second refresh then fails. */
  tokenDelayMs = 0;
  /** Refresh-grant answers that succeeded. */
  refreshes = 0;
  /** Password-grant answers that succeeded. */
  logins = 0;
  /** Every refresh token from now on expires this many ms after it is issued (the expiry on demand). */
  refreshTokenLifetimeMs: number;
  readonly #records = new Map<number, TrackViaRecord>();
  readonly #validAccess = new Set<string>();
  #refreshToken: string | undefined;
  #refuseTokens: { status: number; body: unknown } | undefined;

  constructor(private readonly options: FakeTrackViaOptions = {}) {
    super();
    this.userKey = options.userKey ?? "tv-user-key";
    this.username = options.username ?? "api@example.com";
    this.password = options.password ?? "tv-password";
    this.#refreshToken = options.refreshToken ?? "tv-refresh-initial";
    this.issuedRefreshTokens.push(this.#refreshToken);
    this.refreshTokenLifetimeMs = options.refreshTokenLifetimeMs ?? 30 * 86_400_000;
  }

  static start(options: FakeTrackViaOptions = {}): Promise<FakeTrackViaApi> {
    return new FakeTrackViaApi(options).listen();
  }

  get tokenUrl(): string {
    return `${this.url}${TOKEN_PATH}`;
  }

  /** The refresh token accepted now. */
  get currentRefreshToken(): string | undefined {
    return this.#refreshToken;
  }

  /** Records created or updated, by id. */
  get records(): ReadonlyMap<number, TrackViaRecord> {
    return this.#records;
  }

  /** Requests that created or updated records (the token endpoint's excluded). */
  recordCalls(): RecordedRequest[] {
    return this.requestsTo(RECORDS);
  }

  /** Puts a record in place, as if created earlier in TrackVia's UI. */
  seed(viewId: string, fields: Record<string, unknown>): TrackViaRecord {
    const record = { ...fields, id: this.#records.size + 1001, viewId };
    this.#records.set(record.id, record);
    return record;
  }

  /** Every access token expires now: the next call gets 401 "Access token expired". */
  expireToken(): void {
    this.#validAccess.clear();
  }

  /** The refresh token stops working (expired or revoked): refreshes get 400 `invalid_grant`. */
  revokeRefreshToken(): void {
    this.#refreshToken = undefined;
  }

  /** Every token request from now on gets this answer (undefined: normal again). */
  refuseTokens(status = 400, body: unknown = { error: "invalid_grant", error_description: "Bad credentials" }): void {
    this.#refuseTokens = status === 0 ? undefined : { status, body };
  }

  protected override scriptable(request: RecordedRequest): boolean {
    return request.path !== TOKEN_PATH;
  }

  protected async handle(request: RecordedRequest): Promise<FakeResponse> {
    if (request.query.user_key !== this.userKey) return { status: 401, body: { message: "Invalid or missing user_key", name: "invalidUserKey" } };
    if (request.path === TOKEN_PATH && request.method === "POST") {
      const response = this.#token(request);
      if (this.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
      return response;
    }
    const match = RECORDS.exec(request.path);
    if (!match) return { status: 404, body: { message: "Not found", name: "notFound" } };
    const token = bearerToken(request.headers.authorization) ?? "";
    if (!this.#validAccess.has(token)) {
      return { status: 401, body: { error: "invalid_token", error_description: `Access token expired: ${token}` } };
    }
    const [, viewId = "", recordId] = match;
    const data = (request.json as { data?: unknown } | undefined)?.data;
    const fields = Array.isArray(data) ? (data[0] as Record<string, unknown> | undefined) : undefined;
    if (!fields || typeof fields !== "object") {
      return { status: 400, body: { message: 'Request body must be {"data":[{...}]}', name: "badRequest", code: "400" } };
    }
    if (request.method === "POST" && recordId === undefined) {
      const record = this.seed(viewId, fields);
      return { status: 200, body: { structure: [], data: [record], totalCount: 1 } };
    }
    if (request.method === "PUT" && recordId !== undefined) {
      const existing = this.#records.get(Number(recordId));
      if (!existing) return { status: 404, body: { message: `Record ${recordId} not found`, name: "notFound", code: "404" } };
      const record = { ...existing, ...fields, id: existing.id, viewId };
      this.#records.set(record.id, record);
      return { status: 200, body: { structure: [], data: [record], totalCount: 1 } };
    }
    return { status: 405, body: { message: "Method not allowed", name: "methodNotAllowed" } };
  }

  #token(request: RecordedRequest): FakeResponse {
    if (this.#refuseTokens) return this.#refuseTokens;
    if (request.form.client_id !== TRACKVIA_CLIENT_ID)
      return { status: 401, body: { error: "invalid_client", error_description: "Bad client credentials" } };
    const grant = request.form.grant_type;
    if (grant === "password") {
      if (request.form.username !== this.username || request.form.password !== this.password) {
        return { status: 400, body: { error: "invalid_grant", error_description: "Bad credentials" } };
      }
      this.logins += 1;
      return this.#issue();
    }
    if (grant === "refresh_token") {
      const sent = request.form.refresh_token;
      if (!this.#refreshToken || sent !== this.#refreshToken) {
        // Spring echoes the token it refused: the router must keep it out of its messages.
        return { status: 400, body: { error: "invalid_grant", error_description: `Invalid refresh token: ${sent}` } };
      }
      this.refreshes += 1;
      return this.#issue();
    }
    return { status: 400, body: { error: "unsupported_grant_type", error_description: `Unsupported grant type: ${grant}` } };
  }

  #issue(): FakeResponse {
    const n = this.issuedAccessTokens.length + 1;
    const access = `tv-access-${n}-${Math.random().toString(36).slice(2, 10)}`;
    this.issuedAccessTokens.push(access);
    this.#validAccess.add(access);
    this.#refreshToken = `tv-refresh-${n}-${Math.random().toString(36).slice(2, 10)}`;
    this.issuedRefreshTokens.push(this.#refreshToken);
    const lifetime = this.options.accessTokenLifetimeSeconds ?? 300;
    const refreshExpiration = new Date(Date.now() + this.refreshTokenLifetimeMs).toISOString();
    return {
      status: 200,
      body: {
        access_token: access,
        token_type: "bearer",
        refresh_token: this.#refreshToken,
        expires_in: lifetime,
        scope: "read trust write",
        value: access,
        expiration: new Date(Date.now() + lifetime * 1000).toISOString(),
        tokenType: "bearer",
        refreshToken: { value: this.#refreshToken, expiration: refreshExpiration },
      },
    };
  }
}
