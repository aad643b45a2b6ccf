import { once } from "node:events";
import { createServer, type RequestListener, type Server, type ServerOptions, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A port bound before the application behind it exists. */
export interface BoundPort {
  readonly server: Server;
  /** The port actually bound (PORT=0 picks one). */
  readonly port: number;
  /** Hands every request from now on to `handler`. */
  serve(handler: RequestListener): void;
  /**
   * Stops listening and waits for the requests in flight, at most `ms` (by default none): then
   * the connections left are cut. Idle keep-alive connections close at once.
   */
  close(ms?: number): Promise<void>;
}

/** The variables that set the address, named in the error so the fix is obvious. */
export interface ListenVariables {
  readonly port: string;
  readonly host: string;
}

/** A port another process holds, or one this user may not bind: the start-up must stop. */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Binds `host:port` first, so a port already in use stops the start-up before anything connects
 * to the broker or consumes a queue. Until `serve`, requests (there is a moment between the two)
 * go to `whileStarting`: by default a 503 with Retry-After, like any moment the router cannot
 * take events.
 */
export async function listenEarly(
  port: number,
  host: string,
  names: ListenVariables,
  options: ServerOptions = {},
  whileStarting: RequestListener = unavailable,
): Promise<BoundPort> {
  let handler: RequestListener = whileStarting;
  const server = createServer(options, (request, response) => handler(request, response));
  server.listen(port, host);
  try {
    await once(server, "listening");
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, port, host, names);
  }
  return {
    server,
    port: (server.address() as AddressInfo).port,
    serve(next) {
      handler = next;
    },
    close: (ms = 0) => closeServer(server, ms),
  };
}

async function closeServer(server: Server, ms: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), ms).unref();
  await closed;
  clearTimeout(force);
}

/** The answer before the application is wired: liveness holds (the process runs), nothing else is served yet. */
export const unavailable: RequestListener = (request, response) => {
  const path = request.url?.split("?")[0];
  if (request.method === "GET" && path === "/healthz") return void json(response, 200, { status: "ok" });
  if (request.method === "GET" && path === "/readyz") return void json(response, 503, { status: "not_ready", events: "starting" });
  response.setHeader("retry-after", "1");
  json(response, 503, { error: "unavailable", message: "starting" });
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string, names: ListenVariables): ListenError {
  const where = `${host}:${port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError(
        `cannot listen on ${where}: the port is in use (EADDRINUSE) — stop the process holding it (an older router still draining?) or set ${names.port} to a free port`,
        error.code,
      );
    case "EACCES":
      return new ListenError(
        `cannot listen on ${where}: not permitted (EACCES) — ports below 1024 need privileges; set ${names.port} to 1024 or above`,
        error.code,
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ListenError(`cannot listen on ${where}: no such local address (${error.code}) — check ${names.host}`, error.code);
    default:
      return new ListenError(`cannot listen on ${where}: ${error.message}`, error.code);
  }
}
