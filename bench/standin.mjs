// The sync scenario's stand-in destination: a node:http server that reads the body and answers
// 201 {"id"} after a fixed delay (BENCH_STANDIN_DELAY_MS), like a fast ERP lookup; counts calls.
import { once } from "node:events";
import { createServer } from "node:http";

export async function startStandIn({ delayMs }) {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      calls += 1;
      const body = `{"id":"q-${calls}"}`;
      setTimeout(() => {
        response.writeHead(201, { "content-type": "application/json", "content-length": body.length });
        response.end(body);
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get calls() {
      return calls;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
