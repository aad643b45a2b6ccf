import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/v3/company/123/invoice`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  /** The body parsed as a form (`application/x-www-form-urlencoded`), else empty. */
  readonly form: Readonly<Record<string, string>>;
  /** `Date.now()` when the request arrived: lets tests measure the gaps between retries. */
  readonly receivedAt: number;
}

/** What a fake answers: an object body is sent as JSON, a string as it is. */
export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Selects the requests a scripted failure or delay applies to. */
export type RequestMatcher = (request: RecordedRequest) => boolean;

interface Scripted {
  remaining: number;
  readonly when: RequestMatcher | undefined;
  readonly response?: FakeResponse;
  readonly delayMs?: number;
}

/**
 * A local HTTP server on 127.0.0.1 and a free port that records every request and can be
 * scripted to fail. Subclasses speak one target's API in `handle`; `scriptable` says which
 * requests `failNext`/`delayNext` apply to (by default all; token endpoints opt out).
 */
export abstract class FakeServer {
  /** Every request received, in order, including failed and delayed ones. */
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #failures: Scripted[] = [];
  readonly #delays: Scripted[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #port = 0;
  #host = "127.0.0.1";

  constructor() {
    this.#server = createServer((req, res) => {
      this.#serve(req, res).catch((error: unknown) => send(res, { status: 500, body: { error: String(error) } }));
    });
  }

  /** `http://127.0.0.1:<port>` (or the address listened on), no trailing slash. */
  get url(): string {
    return urlOf(this.#host, this.#port);
  }

  /**
   * Starts listening (on `port`, or a free one; on loopback unless `host` says otherwise — the
   * stand-ins listen on 0.0.0.0 in a container); resolves with `this` so
   * `await new FakeX().listen()` reads naturally. A port in use rejects with node's EADDRINUSE.
   */
  async listen(port = this.#port, host = this.#host): Promise<this> {
    this.#host = host;
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /**
   * Answers the next `count` scriptable requests (matching `when`, if given) with `status`, `body`
   * and `headers` instead of handling them; the fake's state does not change.
   */
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>, when?: RequestMatcher): this {
    this.#failures.push({
      remaining: count,
      when,
      response: { status, body: body ?? { error: `scripted ${status}` }, ...(headers ? { headers } : {}) },
    });
    return this;
  }

  /**
   * Handles the next `count` scriptable requests (matching `when`) normally but sends the answer
   * `ms` late: the work is done, the caller may have given up — the lost-answer case.
   */
  delayNext(count: number, ms: number, when?: RequestMatcher): this {
    this.#delays.push({ remaining: count, when, delayMs: ms });
    return this;
  }

  /** Stops listening and drops open connections: callers get ECONNREFUSED until `up()`. */
  async down(): Promise<void> {
    if (!this.#server.listening) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port after `down()`. */
  async up(): Promise<void> {
    await this.listen();
  }

  /** Requests whose path equals `path` (or matches it). */
  requestsTo(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((request) => (typeof path === "string" ? request.path === path : path.test(request.path)));
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.down();
  }

  /** Answers one request in the target's own way. */
  protected abstract handle(request: RecordedRequest): FakeResponse | Promise<FakeResponse>;

  /** Whether `failNext`/`delayNext` may touch this request. */
  protected scriptable(_request: RecordedRequest): boolean {
    return true;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await record(req);
    this.requests.push(request);
    const scriptable = this.scriptable(request);
    const failure = scriptable ? take(this.#failures, request) : undefined;
    const delay = scriptable ? take(this.#delays, request) : undefined;
    const response = failure?.response ?? (await this.handle(request));
    if (!delay?.delayMs) return send(res, response);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      send(res, response);
    }, delay.delayMs);
    this.#timers.add(timer);
  }
}

function take(queue: Scripted[], request: RecordedRequest): Scripted | undefined {
  const entry = queue.find((item) => item.remaining > 0 && (!item.when || item.when(request)));
  if (!entry) return undefined;
  entry.remaining -= 1;
  if (entry.remaining === 0) queue.splice(queue.indexOf(entry), 1);
  return entry;
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const receivedAt = Date.now();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", "http://fake");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  const form = (headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(body)) : {};
  return { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, json, form, receivedAt };
}

function send(res: ServerResponse, response: FakeResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const isText = typeof response.body === "string";
  const payload = response.body === undefined ? "" : isText ? (response.body as string) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...(payload && !isText ? { "content-type": "application/json" } : {}),
    ...(payload && isText ? { "content-type": "text/plain" } : {}),
    ...response.headers,
  });
  res.end(payload);
}

/**
 * How a client on this machine reaches a server listening on `host`: a wildcard address is
 * reached on loopback.
 */
export function urlOf(host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** The credentials of an HTTP Basic `Authorization` header, if it is one. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of a `Bearer` `Authorization` header (any casing of the scheme), if it is one. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1];
}
