import { bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fakes/fake-server.js";

export interface FakeTrackTikOptions {
  /** @defaultValue "tt-client" */
  readonly clientId?: string;
  /** @defaultValue "tt-client-secret" */
  readonly clientSecret?: string;
  /** The service employee for the password grant. @defaultValue "svc-integration" */
  readonly username?: string;
  /** @defaultValue "tt-password" */
  readonly password?: string;
  /** @defaultValue 3600 */
  readonly accessTokenLifetimeSeconds?: number;
}

export interface TrackTikEntity {
  readonly id: number;
  readonly [field: string]: unknown;
}

const TOKEN_PATH = "/rest/oauth2/access_token";
const RESOURCE = /^\/rest\/v1\/([a-z-]+)(?:\/(\d+))?$/;
/** Fields TrackTik requires on create, per resource (a sample: enough to answer 400 like it does). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = { employees: ["firstName", "lastName"], clients: ["name"] };
/** TrackTik blocks an IP for 2 hours after this many failed logins in 2 minutes. */
const FAILED_LOGINS_BEFORE_BLOCK = 40;

/**
 * TrackTik's REST API (`https://{tenant}.staffr.us`): OAuth2 at `POST /rest/oauth2/access_token`
 * (client id and secret in the form; password grant with single-use refresh tokens that rotate on
 * every refresh; client credentials), resources under `/rest/v1/…` wrapped in `{"data":…}`:
 * create with `POST /rest/v1/{resource}`, update with `PUT`/`PATCH /rest/v1/{resource}/{id}`.
 * 400 validation with field errors, 401 for a bad token, 404, and 40 failed logins block the
 * caller (403 from the load balancer, `Server: awselb/2.0`), as documented.
 */
export class FakeTrackTikApi extends FakeServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  readonly issuedRefreshTokens: string[] = [];
  readonly #entities = new Map<string, Map<number, TrackTikEntity>>();
  readonly #validAccess = new Set<string>();
  readonly #validRefresh = new Set<string>();
  /** Successful password-grant logins, refresh grants, client-credential grants. */
  logins = 0;
  refreshes = 0;
  failedLogins = 0;
  #nextId = 500;

  constructor(private readonly options: FakeTrackTikOptions = {}) {
    super();
    this.clientId = options.clientId ?? "tt-client";
    this.clientSecret = options.clientSecret ?? "tt-client-secret";
    this.username = options.username ?? "svc-integration";
    this.password = options.password ?? "tt-password";
  }

  static start(options: FakeTrackTikOptions = {}): Promise<FakeTrackTikApi> {
    return new FakeTrackTikApi(options).listen();
  }

  /** Entities of one resource (`employees`, `clients`…), by id. */
  entities(resource: string): Map<number, TrackTikEntity> {
    const table = this.#entities.get(resource) ?? new Map<number, TrackTikEntity>();
    this.#entities.set(resource, table);
    return table;
  }

  /** Every access token expires now. */
  expireToken(): void {
    this.#validAccess.clear();
  }

  /** Every refresh token stops working (revoked): refreshes get 400 `invalid_grant`. */
  revokeRefreshTokens(): void {
    this.#validRefresh.clear();
  }

  protected override scriptable(request: RecordedRequest): boolean {
    return request.path !== TOKEN_PATH;
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (this.failedLogins >= FAILED_LOGINS_BEFORE_BLOCK) {
      return { status: 403, headers: { server: "awselb/2.0" }, body: "<html><body><h1>403 Forbidden</h1></body></html>" };
    }
    if (request.path === TOKEN_PATH && request.method === "POST") return this.#token(request);
    if (!this.#validAccess.has(bearerToken(request.headers.authorization) ?? "")) {
      return { status: 401, body: { message: "The access token provided is invalid or has expired.", code: 401 } };
    }
    const match = RESOURCE.exec(request.path);
    if (!match) return { status: 404, body: { message: "Resource not found", code: 404 } };
    const [, resource = "", id] = match;
    const body = request.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object" || Array.isArray(body)) return { status: 400, body: { message: "Invalid JSON body", code: 400 } };
    const table = this.entities(resource);
    if (request.method === "POST" && id === undefined) {
      const missing = (REQUIRED[resource] ?? []).filter((field) => body[field] === undefined || body[field] === "");
      if (missing.length > 0) {
        return {
          status: 400,
          body: {
            message: "Validation failed",
            code: 400,
            errors: Object.fromEntries(missing.map((field) => [field, ["This value should not be blank."]])),
          },
        };
      }
      this.#nextId += 1;
      const entity = { ...body, id: this.#nextId };
      table.set(entity.id, entity);
      return { status: 201, body: { data: entity } };
    }
    if ((request.method === "PUT" || request.method === "PATCH") && id !== undefined) {
      const existing = table.get(Number(id));
      if (!existing) return { status: 404, body: { message: `${resource} ${id} not found`, code: 404 } };
      const entity = { ...(request.method === "PATCH" ? existing : {}), ...body, id: existing.id };
      table.set(entity.id, entity);
      return { status: 200, body: { data: entity } };
    }
    return { status: 405, body: { message: "Method not allowed", code: 405 } };
  }

  #token(request: RecordedRequest): FakeResponse {
    const { form } = request;
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
      this.failedLogins += 1;
      return { status: 401, body: { error: "invalid_client", error_description: "The client credentials are invalid" } };
    }
    switch (form.grant_type) {
      case "password":
        if (form.username !== this.username || form.password !== this.password) {
          this.failedLogins += 1;
          return { status: 401, body: { error: "invalid_grant", error_description: "Invalid username and password combination" } };
        }
        this.logins += 1;
        return this.#issue(true);
      case "refresh_token":
        if (!form.refresh_token || !this.#validRefresh.delete(form.refresh_token)) {
          return { status: 400, body: { error: "invalid_grant", error_description: "Invalid refresh token" } };
        }
        this.refreshes += 1;
        return this.#issue(true);
      case "client_credentials":
        this.logins += 1;
        return this.#issue(false);
      default:
        return { status: 400, body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported" } };
    }
  }

  #issue(withRefresh: boolean): FakeResponse {
    const access = `tt-access-${Math.random().toString(36).slice(2, 12)}`;
    this.#validAccess.add(access);
    const refresh = withRefresh ? `tt-refresh-${Math.random().toString(36).slice(2, 12)}` : undefined;
    if (refresh) {
      this.#validRefresh.add(refresh);
      this.issuedRefreshTokens.push(refresh);
    }
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: this.options.accessTokenLifetimeSeconds ?? 3600,
        access_token: access,
        ...(refresh ? { refresh_token: refresh } : {}),
      },
    };
  }
}
