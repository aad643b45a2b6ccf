import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A port bound before the application behind it exists. */
export interface BoundPort {
  readonly server: Server;
  /** The port actually bound (PORT=0 picks one). */
  readonly port: number;
  /** Hands every request from now on to `handler`. */
  serve(handler: RequestListener): void;
  /** Closes the listening socket (start-up failed before anything was served). */
  close(): Promise<void>;
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
 * to the broker or consumes a queue. Until `serve`, a request (there is a moment between the two)
 * is answered 503 with Retry-After, like any moment the router cannot take events.
 */
export async function listenEarly(port: number, host: string, names: ListenVariables): Promise<BoundPort> {
  let handler: RequestListener = (_request, response) => {
    response.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
    response.end(JSON.stringify({ error: "unavailable", message: "starting" }));
  };
  const server = createServer((request, response) => handler(request, response));
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
      return new ListenError(`cannot listen on ${where}: not permitted (EACCES) — ports below 1024 need privileges; set ${names.port} to 1024 or above`, error.code);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ListenError(`cannot listen on ${where}: no such local address (${error.code}) — check ${names.host}`, error.code);
    default:
      return new ListenError(`cannot listen on ${where}: ${error.message}`, error.code);
  }
}
