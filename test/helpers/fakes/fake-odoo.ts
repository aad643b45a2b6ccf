import { bearerToken, FakeServer, type FakeResponse, type RecordedRequest } from "./fake-server.js";
import { FakeOrm, OdooException, type OdooRecord } from "./fake-odoo-orm.js";

export { OdooException, type OdooRecord } from "./fake-odoo-orm.js";

export interface FakeOdooOptions {
  /** @defaultValue "odoo" */
  readonly database?: string;
  /** @defaultValue "api@example.com" */
  readonly login?: string;
  /** @defaultValue "odoo-api-key-secret" */
  readonly apiKey?: string;
  /** The uid `login` answers. @defaultValue 2 */
  readonly uid?: number;
  /** Fields `create` requires, per model. @defaultValue { "sale.order": ["partner_id"] } */
  readonly required?: Readonly<Record<string, readonly string[]>>;
}

/** One ORM call that passed authentication, in either protocol. */
export interface OdooCall {
  readonly api: "jsonrpc" | "json2";
  readonly model: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

// JSON-2 reports exceptions with real statuses; this is the fake's reading of them.
const JSON2_STATUS: Record<string, number> = {
  AccessDenied: 401,
  AccessError: 403,
  MissingError: 404,
  UserError: 422,
  ValidationError: 422,
  AttributeError: 422,
  ValueError: 422,
};

/**
 * Odoo with both external APIs over one in-memory ORM: JSON-RPC `POST /jsonrpc` (common.login,
 * object.execute_kw; errors as HTTP 200 with `error`) and JSON-2 `POST /json/2/<model>/<method>`
 * (bearer API key, named parameters, errors with real statuses). Point the adapter's `url` here.
 */
export class FakeOdoo extends FakeServer {
  readonly orm: FakeOrm;
  /** Authenticated ORM calls, oldest first. */
  readonly calls: OdooCall[] = [];
  readonly database: string;
  readonly login: string;
  readonly uid: number;
  /** Successful JSON-RPC logins. */
  logins = 0;
  #apiKey: string | undefined;
  #sessionValid = true;
  #raises: Array<{ remaining: number; name: string; message: string }> = [];

  constructor(options: FakeOdooOptions = {}) {
    super();
    this.orm = new FakeOrm(options.required ?? { "sale.order": ["partner_id"] });
    this.database = options.database ?? "odoo";
    this.login = options.login ?? "api@example.com";
    this.uid = options.uid ?? 2;
    this.#apiKey = options.apiKey ?? "odoo-api-key-secret";
  }

  static start(options: FakeOdooOptions = {}): Promise<FakeOdoo> {
    return new FakeOdoo(options).listen();
  }

  records(model: string): OdooRecord[] {
    return this.orm.records(model);
  }

  seed(model: string, values: Record<string, unknown>): number {
    return this.orm.seed(model, values);
  }

  /** The next `count` ORM calls (not logins) raise `name` (e.g. `odoo.exceptions.ValidationError`). */
  raiseNext(count: number, name: string, message: string): this {
    this.#raises.push({ remaining: count, name, message });
    return this;
  }

  /** The next JSON-RPC call answers code 100 "Session expired" until the client logs in again. */
  expireSession(): void {
    this.#sessionValid = false;
  }

  /** Revokes the API key: logins answer `false`, calls raise AccessDenied, JSON-2 answers 401. */
  revokeKey(): void {
    this.#apiKey = undefined;
  }

  protected handle(request: RecordedRequest): FakeResponse {
    if (request.method === "POST" && request.path === "/jsonrpc") return this.#jsonRpc(request);
    const json2 = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(request.path);
    if (request.method === "POST" && json2) return this.#json2(request, decodeURIComponent(json2[1] ?? ""), decodeURIComponent(json2[2] ?? ""));
    return { status: 404, body: "<html><body>404: Not Found</body></html>" };
  }

  #jsonRpc(request: RecordedRequest): FakeResponse {
    const body = request.json as { id?: unknown; params?: { service?: string; method?: string; args?: unknown[] } } | undefined;
    const id = body?.id ?? null;
    const { service, method, args = [] } = body?.params ?? {};
    const result = (value: unknown): FakeResponse => ({ status: 200, body: { jsonrpc: "2.0", id, result: value } });
    const error = (code: number, name: string, message: string): FakeResponse => ({
      status: 200,
      body: {
        jsonrpc: "2.0",
        id,
        error: {
          code,
          message: code === 100 ? "Odoo Session Expired" : "Odoo Server Error",
          data: { name, debug: "Traceback (most recent call last): …", message, arguments: [message], context: {} },
        },
      },
    });
    if (service === "common" && method === "version") return result({ server_version: "18.0", protocol_version: 1 });
    if (service === "common" && method === "login") {
      const [db, login, key] = args;
      if (db !== this.database || login !== this.login || key !== this.#apiKey) return result(false);
      this.logins += 1;
      this.#sessionValid = true;
      return result(this.uid);
    }
    if (service !== "object" || method !== "execute_kw") return error(200, "werkzeug.exceptions.NotFound", `no ${service}.${method}`);
    const [db, uid, key, model, orm, positional = [], kwargs = {}] = args as [
      unknown,
      unknown,
      unknown,
      string,
      string,
      unknown[],
      Record<string, unknown>,
    ];
    if (db !== this.database || uid !== this.uid || key !== this.#apiKey) return error(200, "odoo.exceptions.AccessDenied", "Access Denied");
    if (!this.#sessionValid) return error(100, "odoo.http.SessionExpiredException", "Session expired");
    try {
      return result(this.#call({ api: "jsonrpc", model, method: orm, args: positional, kwargs }));
    } catch (exception) {
      if (!(exception instanceof OdooException)) throw exception;
      return error(200, exception.exceptionName, exception.message);
    }
  }

  #json2(request: RecordedRequest, model: string, method: string): FakeResponse {
    const problem = (status: number, name: string, message: string): FakeResponse => ({
      status,
      body: { name, message, arguments: [message], context: {}, debug: "Traceback (most recent call last): …" },
    });
    if (!this.#apiKey || bearerToken(request.headers.authorization) !== this.#apiKey)
      return problem(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey");
    const database = request.headers["x-odoo-database"];
    if (database !== undefined && database !== this.database) return problem(404, "werkzeug.exceptions.NotFound", `database ${database} not found`);
    const params = (request.json ?? {}) as Record<string, unknown>;
    try {
      return { status: 200, body: this.#call({ api: "json2", model, method, args: [], kwargs: params }) ?? null };
    } catch (exception) {
      if (!(exception instanceof OdooException)) throw exception;
      const short = exception.exceptionName.split(".").pop() ?? "";
      return problem(JSON2_STATUS[short] ?? 500, exception.exceptionName, exception.message);
    }
  }

  #call(call: OdooCall): unknown {
    this.calls.push(call);
    const scripted = this.#raises.find((item) => item.remaining > 0);
    if (scripted) {
      scripted.remaining -= 1;
      this.#raises = this.#raises.filter((item) => item.remaining > 0);
      throw new OdooException(scripted.name, scripted.message);
    }
    return this.orm.call(call.model, call.method, call.args, call.kwargs);
  }
}
