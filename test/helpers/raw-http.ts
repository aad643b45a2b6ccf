import { connect, type Socket } from "node:net";

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly text: string;
  /** Milliseconds from the connection to the end of the answer. */
  readonly ms: number;
}

export interface RawRequest {
  readonly socket: Socket;
  /** The first answer on the connection; rejects if the connection ends without one. */
  readonly response: Promise<RawResponse>;
  /** Resolves when the server has closed (or reset) the connection. */
  readonly closed: Promise<void>;
  /** Writes more bytes, ignoring a connection the server already closed. */
  send(bytes: Buffer | string): void;
}

/**
 * An HTTP/1.1 request written by hand on a plain TCP socket: the test decides what the client
 * sends and when (headers only, part of a body, one byte now and then), which no HTTP client
 * allows. `head` is the request line and headers, without the blank line that ends them.
 */
export function rawRequest(url: string, head: string, body: Buffer | string = ""): RawRequest {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {}); // a reset after the answer is the server's right
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const response = new Promise<RawResponse>((resolve, reject) => {
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parse(received, started);
      if (parsed) resolve(parsed);
    });
    socket.once("close", () =>
      reject(new Error(`connection closed without a complete answer: ${JSON.stringify(received.toString("latin1").slice(0, 200))}`)),
    );
  });
  response.catch(() => {});
  const send = (bytes: Buffer | string) => {
    if (!socket.destroyed && socket.writable) socket.write(bytes);
  };
  send(`${head}\r\n\r\n`);
  if (body.length > 0) send(body);
  return { socket, response, closed, send };
}

function parse(bytes: Buffer, started: number): RawResponse | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  if (bytes.length < end + 4 + length) return undefined;
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    text: bytes.subarray(end + 4, end + 4 + length).toString("utf8"),
    ms: performance.now() - started,
  };
}

/** `POST {path}` headers for a body of `length` bytes, with extra header lines. */
export function postHead(path: string, length: number, extra: Record<string, string> = {}): string {
  const lines = [`POST ${path} HTTP/1.1`, "Host: localhost", `Content-Length: ${length}`, "Content-Type: application/json"];
  for (const [name, value] of Object.entries(extra)) lines.push(`${name}: ${value}`);
  return lines.join("\r\n");
}
