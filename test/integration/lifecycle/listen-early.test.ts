import { describe, expect, it } from "vitest";
import { ListenError, listenEarly } from "../../../src/lifecycle/listen-early.js";

const NAMES = { port: "PORT", host: "HOST" };

describe("a port bound before the router is wired", () => {
  it("answers liveness, says not ready and refuses webhooks with Retry-After until it is served", async () => {
    const bound = await listenEarly(0, "127.0.0.1", NAMES);
    const base = `http://127.0.0.1:${bound.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: "not_ready", events: "starting" } });
      const webhook = await fetch(`${base}/webhooks/tracktile`, { method: "POST", body: "{}" });
      expect(webhook.status).toBe(503);
      expect(webhook.headers.get("retry-after")).toBe("1");
      bound.serve((_request, response) => response.end("wired"));
      expect(await (await fetch(`${base}/healthz`)).text()).toBe("wired");
    } finally {
      bound.server.closeAllConnections();
      await bound.close();
    }
  });

  it("fails with a ListenError naming the address, the code and the variable to change when the port is taken", async () => {
    const first = await listenEarly(0, "127.0.0.1", NAMES);
    try {
      const second = listenEarly(first.port, "127.0.0.1", { port: "ADMIN_PORT", host: "ADMIN_HOST" });
      await expect(second).rejects.toBeInstanceOf(ListenError);
      await expect(second).rejects.toMatchObject({
        code: "EADDRINUSE",
        message: `cannot listen on 127.0.0.1:${first.port}: the port is in use (EADDRINUSE) — stop the process holding it (an older router still draining?) or set ADMIN_PORT to a free port`,
      });
    } finally {
      await first.close();
    }
  });
});
