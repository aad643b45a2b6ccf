#!/usr/bin/env node
// The hostile clients of the `hostile` scenario, in a process of their own (forked by
// hostile-scenario.mjs) so their thousands of sockets never share an event loop with the signed
// sender being measured. Each of `connections` sockets posts a `bodyBytes` body to the webhook
// URL with a well-formed but junk Tracktile signature (it passes every check the headers allow, so
// the router must read the body to refuse it), `chunkBytes` every `chunkEveryMs`; when the router
// answers or closes, the client waits `pauseMs` and starts over on a new socket, until `durationS` is up. Reports what
// the clients were told, over IPC.
import { connect } from "node:net";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(job) {
  const { port, path, connections, bodyBytes, chunkBytes, chunkEveryMs, durationS, rampMs, pauseMs } = job;
  const deadline = Date.now() + rampMs + durationS * 1000;
  const chunk = Buffer.alloc(chunkBytes, 0x20);
  const statuses = {};
  let opened = 0;
  let resets = 0;
  let completeBodies = 0;
  let open = 0;
  let maxOpen = 0;

  /** One connection's life: headers, body chunks until answered or closed. Resolves on close. */
  const once = () =>
    new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      opened += 1;
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      let answered = false;
      let sent = 0;
      let timer;
      const head =
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n` +
        `X-Tracktile-Signature: t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}\r\n\r\n`;
      const sendChunk = () => {
        if (socket.destroyed || answered) return;
        const size = Math.min(chunkBytes, bodyBytes - sent);
        if (size <= 0) return;
        socket.write(size === chunkBytes ? chunk : chunk.subarray(0, size));
        sent += size;
        if (sent >= bodyBytes) completeBodies += 1;
        else timer = setTimeout(sendChunk, chunkEveryMs);
      };
      socket.once("connect", () => {
        socket.write(head);
        sendChunk();
      });
      socket.on("data", (data) => {
        if (answered) return;
        answered = true;
        const status = /^HTTP\/1\.1 (\d{3})/.exec(data.toString("latin1", 0, 16))?.[1] ?? "?";
        statuses[status] = (statuses[status] ?? 0) + 1;
        // A client told no stops sending and hangs up, as a sender would.
        socket.end();
      });
      socket.on("error", () => {
        if (!answered) resets += 1;
      });
      socket.once("close", () => {
        clearTimeout(timer);
        open -= 1;
        resolve();
      });
    });

  const loops = [];
  for (let i = 0; i < connections; i += 1) {
    loops.push(
      (async () => {
        // Spread over the ramp, so the router sees a crowd arrive rather than one burst.
        await sleep((rampMs * i) / connections);
        while (Date.now() < deadline) {
          await once();
          await sleep(pauseMs);
        }
      })(),
    );
  }
  const progress = setInterval(() => process.send({ type: "progress", open, opened }), 1000);
  await Promise.all(loops);
  clearInterval(progress);
  return { connections, opened, maxOpen, statuses, resetsBeforeAnswer: resets, completeBodies };
}

process.on("message", (message) => {
  if (message.type === "exit") process.exit(0);
  if (message.type !== "run") return;
  run(message.job).then(
    (result) => process.send({ type: "result", result }),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
