import { basicCredentials, bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fake-server.js";

/** How the sink checks callers; absent: anyone may post. */
export type SinkAuth =
  | { readonly type: "bearer"; readonly token: string }
  | { readonly type: "basic"; readonly username: string; readonly password: string }
  | { readonly type: "header"; readonly name: string; readonly value: string }
  /** Tokens from the sink's own client-credentials endpoint at `tokenUrl`. */
  | { readonly type: "oauth2"; readonly clientId: string; readonly clientSecret: string; readonly tokenLifetimeSeconds?: number };

export interface FakeHttpSinkOptions {
  readonly auth?: SinkAuth;
  /** The header whose repeat replays the first answer. @defaultValue "idempotency-key" */
  readonly idempotencyHeader?: string;
  /** Status for an accepted request. @defaultValue 201 */
  readonly status?: number;
}

/** What the sink stored for one accepted request. */
export interface SinkRecord {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: unknown;
  readonly idempotencyKey: string | undefined;
}

const TOKEN_PATH = "/oauth/token";

/**
 * A generic JSON target for the `http` adapter: accepts any method and path, stores one record
 * per request, and replays the first answer when an idempotency key repeats (as Stripe-style
 * APIs do). With `oauth2` auth it is also the token server (client-credentials grant).
 *
 * `failNext`/`delayNext` apply to everything except the token endpoint; script that with
 * `failTokenNext`.
 */
export class FakeHttpSink extends FakeServer {
  /** Accepted requests, one per distinct idempotency key. */
  readonly records: SinkRecord[] = [];
  /** Access tokens handed out by the token endpoint, oldest first. */
  readonly issuedTokens: string[] = [];
  readonly #answers = new Map<string, FakeResponse>();
  readonly #valid = new Set<string>();
  #tokenFailures: Array<{ remaining: number; response: FakeResponse }> = [];

  constructor(private readonly options: FakeHttpSinkOptions = {}) {
    super();
  }

  /** Starts a sink; see FakeHttpSinkOptions. */
  static start(options: FakeHttpSinkOptions = {}): Promise<FakeHttpSink> {
    return new FakeHttpSink(options).listen();
  }

  /** The client-credentials token endpoint (for `auth.type: oauth2`). */
  get tokenUrl(): string {
    return `${this.url}${TOKEN_PATH}`;
  }

  /** Calls to the token endpoint so far. */
  get tokenRequests(): number {
    return this.requestsTo(TOKEN_PATH).length;
  }

  /** Invalidates every access token issued so far: the next call with one gets 401. */
  expireToken(): void {
    this.#valid.clear();
  }

  /** Answers the next `count` token requests with `status` and `body`. */
  failTokenNext(count: number, status: number, body: unknown = { error: "temporarily_unavailable" }): this {
    this.#tokenFailures.push({ remaining: count, response: { status, body } });
    return this;
  }

  protected override scriptable(request: RecordedRequest): boolean {
    return request.path !== TOKEN_PATH;
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (request.path === TOKEN_PATH && this.options.auth?.type === "oauth2") return this.#token(request);
    if (!this.#authorized(request)) return { status: 401, body: { error: "invalid_token", message: "missing or invalid credentials" } };
    const key = request.headers[(this.options.idempotencyHeader ?? "idempotency-key").toLowerCase()];
    const replay = key === undefined ? undefined : this.#answers.get(key);
    if (replay) return replay;
    const id = `rec-${this.records.length + 1}`;
    this.records.push({
      id,
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      json: request.json,
      idempotencyKey: key,
    });
    const answer: FakeResponse = { status: this.options.status ?? 201, body: { id } };
    if (key !== undefined) this.#answers.set(key, answer);
    return answer;
  }

  #token(request: RecordedRequest): FakeResponse {
    const scripted = this.#tokenFailures.find((item) => item.remaining > 0);
    if (scripted) {
      scripted.remaining -= 1;
      this.#tokenFailures = this.#tokenFailures.filter((item) => item.remaining > 0);
      return scripted.response;
    }
    const auth = this.options.auth as Extract<SinkAuth, { type: "oauth2" }>;
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.username ?? request.form.client_id;
    const clientSecret = basic?.password ?? request.form.client_secret;
    if (clientId !== auth.clientId || clientSecret !== auth.clientSecret) return { status: 401, body: { error: "invalid_client" } };
    if (request.form.grant_type !== "client_credentials") return { status: 400, body: { error: "unsupported_grant_type" } };
    const token = `sink-at-${this.issuedTokens.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
    this.issuedTokens.push(token);
    this.#valid.add(token);
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: auth.tokenLifetimeSeconds ?? 3600 } };
  }

  #authorized(request: RecordedRequest): boolean {
    const auth = this.options.auth;
    const header = request.headers.authorization;
    switch (auth?.type) {
      case undefined:
        return true;
      case "bearer":
        return bearerToken(header) === auth.token;
      case "basic": {
        const given = basicCredentials(header);
        return given?.username === auth.username && given.password === auth.password;
      }
      case "header":
        return request.headers[auth.name.toLowerCase()] === auth.value;
      case "oauth2":
        return this.#valid.has(bearerToken(header) ?? "");
    }
  }
}
