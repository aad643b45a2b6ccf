// The cluster fault scenarios' target: a node:http server that records every call per
// Idempotency-Key (the event id) with when it arrived and whether its answer reached the caller.
// It answers after `delayMs`, so calls are really in flight when a worker is killed.
import { once } from "node:events";
import { createServer } from "node:http";

/** Sockets whose caller went away. A caller that died (SIGKILL) closes them; keep-alive clients never half-close. */
const gone = new WeakSet();
const watched = new WeakSet();
function watch(socket) {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.once("end", () => gone.add(socket));
  socket.once("close", () => gone.add(socket));
}

export async function startFaultSink({ delayMs = 0 } = {}) {
  /** id → [{ at, caller, answered }] in arrival order; `at` is Date.now() when the body was read. */
  const calls = new Map();
  const server = createServer((request, response) => {
    request.resume();
    watch(request.socket);
    request.on("end", () => {
      const id = String(request.headers["idempotency-key"] ?? "");
      const call = { at: Date.now(), caller: String(request.headers["x-caller"] ?? ""), answered: false };
      const list = calls.get(id) ?? [];
      list.push(call);
      calls.set(id, list);
      const answer = () => {
        // A caller that died meanwhile never reads this: the call counts as cut.
        if (gone.has(request.socket) || response.destroyed || request.socket.destroyed) return;
        const body = `{"id":"rec-${id}"}`;
        response.writeHead(201, { "content-type": "application/json", "content-length": body.length });
        response.end(body, () => (call.answered = true));
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    /** Distinct ids called so far. */
    get distinct() {
      return calls.size;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * What the target saw of the `accepted` ids (id → when accepted): delivered, lost, every id called
 * more than once (with each call's time and whether its answer was written), and the slowest
 * event from its 202 to the call that completed it (the first answered call, else the last).
 */
export function targetView(sink, accepted) {
  let delivered = 0;
  let slowest = 0;
  const repeats = [];
  for (const [id, acceptedAt] of accepted) {
    const list = sink.calls.get(id);
    if (!list) continue;
    delivered += 1;
    const done = list.find((call) => call.answered) ?? list.at(-1);
    slowest = Math.max(slowest, done.at - acceptedAt);
    if (list.length > 1) repeats.push({ id, calls: list });
  }
  return { delivered, lost: accepted.size - delivered, repeats, slowestMs: slowest };
}

/** First-call times, sorted: the target's view of progress. */
export function firstCallTimes(sink) {
  return [...sink.calls.values()].map((list) => list[0].at).sort((a, b) => a - b);
}
