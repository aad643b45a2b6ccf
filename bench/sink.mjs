// The worker scenario's target: a minimal node:http server that takes any POST, reads the body,
// answers 201 {"id"} at once and counts. `until(n)` resolves when n distinct event ids arrived.
import { once } from "node:events";
import { createServer } from "node:http";

export async function startSink() {
  const ids = new Set();
  let requests = 0;
  let first;
  let last;
  let waiter;

  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const now = performance.now();
      requests += 1;
      first ??= now;
      last = now;
      const key = request.headers["idempotency-key"];
      if (typeof key === "string") ids.add(key);
      const body = `{"id":"rec-${requests}"}`;
      response.writeHead(201, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
      if (waiter && ids.size >= waiter.count) waiter.resolve();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return requests;
    },
    get distinct() {
      return ids.size;
    },
    /** Seconds between the first and the last request. */
    get spanS() {
      return first === undefined ? 0 : (last - first) / 1000;
    },
    until(count, timeoutMs) {
      if (ids.size >= count) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve(true);
          },
        };
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
