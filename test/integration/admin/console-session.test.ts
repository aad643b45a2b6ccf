import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { createAdminApp, type DeadLetterRequest } from "../../../src/ops/admin/index.js";
import { CONSOLE_CSP } from "../../../src/ops/admin/security-headers.js";
import { captureLogs } from "../../unit/delivery-log/fixtures.js";

const TOKEN = "session-test-token-0123456789";

/** A dead-letter service that records what it was asked, so a refused request provably did nothing. */
function recordingDeadLetters(asked: DeadLetterRequest[]) {
  return async (request: DeadLetterRequest) => {
    asked.push(request);
    return { action: request.action, dryRun: request.dryRun, matched: 0, replayed: 0, purged: 0, letters: [], truncated: false };
  };
}

/** fetch will not send a Host of its choosing; node:http will. */
function statusWithHost(base: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });
}

describe("the admin server's console session: sign-in, cookie, CSRF", () => {
  let server: Server | undefined;
  const asked: DeadLetterRequest[] = [];
  afterEach(async () => {
    asked.length = 0;
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  async function start(options: { token?: string; trustProxy?: boolean; consoleDir?: string } = {}): Promise<string> {
    const app = createAdminApp({
      table: loadRoutes("routes", {}, { standIns: { missing: new Map() } }),
      log: undefined,
      deadLetters: recordingDeadLetters(asked),
      token: options.token,
      readiness: {
        ready: false,
        report: () => ({
          events: "spool",
          spool: { count: 3, bytes: 900 },
          problems: [{ code: "broker_down", message: "RabbitMQ refused", at: "2026-01-01T00:00:00.000Z" }],
        }),
      },
      trustProxy: options.trustProxy,
      consoleDir: options.consoleDir,
      logger: captureLogs().logger,
      docs: { exchange: "events", queuePrefix: "webhook-router." },
    });
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const signIn = async (base: string, token = TOKEN, headers: Record<string, string> = {}) =>
    fetch(`${base}/session`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ token }) });
  const sessionOf = async (response: Response) => {
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return { cookie, csrfToken };
  };
  const replay = (base: string, headers: Record<string, string>) =>
    fetch(`${base}/dead-letters/replay`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"dryRun":true}' });

  it("signs in with the token in the body: an HttpOnly, SameSite=Strict cookie holding a random id, and a CSRF token", async () => {
    const base = await start({ token: TOKEN });
    expect(await (await fetch(`${base}/session`)).json()).toEqual({ tokenRequired: true, signedIn: false });
    const wrong = await signIn(base, "wrong-token-wrong-token");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const answer = await signIn(base);
    expect(answer.status).toBe(200);
    const setCookie = answer.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^wr_admin_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    // Twelve hours: an operator's shift.
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeGreaterThan(43_100);
    expect(setCookie).not.toContain(TOKEN);
    const { cookie, csrfToken } = await sessionOf(answer);
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await (await fetch(`${base}/session`, { headers: { cookie } })).json()).toMatchObject({ tokenRequired: true, signedIn: true, csrfToken });
    expect((await fetch(`${base}/status`, { headers: { cookie } })).status).toBe(200);
  });

  it("refuses the API without a session or bearer (401), and a cookie it never issued", async () => {
    const base = await start({ token: TOKEN });
    expect((await fetch(`${base}/status`)).status).toBe(401);
    expect((await fetch(`${base}/status`, { headers: { cookie: "wr_admin_session=forged" } })).status).toBe(401);
    expect((await fetch(`${base}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("marks the cookie Secure when the request came over TLS through a trusted proxy", async () => {
    const base = await start({ token: TOKEN, trustProxy: true });
    const answer = await signIn(base, TOKEN, { "x-forwarded-proto": "https" });
    expect(answer.headers.get("set-cookie")).toContain("; Secure");
  });

  it("needs the CSRF token for a change made with the cookie; a bearer needs none", async () => {
    const base = await start({ token: TOKEN });
    const { cookie, csrfToken } = await sessionOf(await signIn(base));
    expect(await replay(base, { cookie })).toMatchObject({ status: 403 });
    expect(await replay(base, { cookie, "x-csrf-token": "not-the-token" })).toMatchObject({ status: 403 });
    expect(asked).toEqual([]);
    expect(await replay(base, { cookie, "x-csrf-token": csrfToken })).toMatchObject({ status: 200 });
    expect(await replay(base, { authorization: `Bearer ${TOKEN}` })).toMatchObject({ status: 200 });
    expect(asked).toHaveLength(2);
  });

  it("refuses a change another site's page sends, even with the right CSRF token", async () => {
    const base = await start({ token: TOKEN });
    const { cookie, csrfToken } = await sessionOf(await signIn(base));
    const crossSite = await replay(base, { cookie, "x-csrf-token": csrfToken, "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { message: string }).message).toContain("cross-site");
    expect(await replay(base, { cookie, "x-csrf-token": csrfToken, origin: "https://evil.example" })).toMatchObject({ status: 403 });
    expect(await signIn(base, TOKEN, { origin: "https://evil.example" })).toMatchObject({ status: 403 });
    expect(await replay(base, { cookie, "x-csrf-token": csrfToken, origin: base, "sec-fetch-site": "same-origin" })).toMatchObject({ status: 200 });
  });

  it("signs out: the session ends on the server, not only in the browser", async () => {
    const base = await start({ token: TOKEN });
    const { cookie, csrfToken } = await sessionOf(await signIn(base));
    expect((await fetch(`${base}/session`, { method: "DELETE", headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${base}/session`, { method: "DELETE", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await fetch(`${base}/status`, { headers: { cookie } })).status).toBe(401);
  });

  it("stops an address after 10 failed sign-ins (429 with Retry-After), even with the right token", async () => {
    const base = await start({ token: TOKEN });
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await signIn(base, `guess-${attempt}-xxxxxxxxxxxx`)).status).toBe(401);
    const limited = await signIn(base);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(await limited.json()).toMatchObject({ error: "too_many_attempts" });
  });

  it("without ADMIN_TOKEN: scripts work as before, a browser gets a session for its CSRF token, other Hosts are refused", async () => {
    const base = await start();
    expect(await replay(base, {})).toMatchObject({ status: 200 });
    expect(await replay(base, { origin: base })).toMatchObject({ status: 403 });
    const opened = await fetch(`${base}/session`);
    const { cookie, csrfToken } = await sessionOf(opened);
    expect(await replay(base, { origin: base, cookie, "x-csrf-token": csrfToken })).toMatchObject({ status: 200 });
    // DNS rebinding: a page at attacker.example resolved to 127.0.0.1 would be same-origin with the console.
    expect(await statusWithHost(base, "/session", "attacker.example:9090")).toBe(403);
    expect(await statusWithHost(base, "/status", "attacker.example")).toBe(403);
    expect(await statusWithHost(base, "/status", "localhost:9090")).toBe(200);
    expect(await statusWithHost(base, "/status", "[::1]:9090")).toBe(200);
  });

  it("GET /health is /readyz on the admin port: readiness, spool and the problems in words", async () => {
    const base = await start({ token: TOKEN });
    const health = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await health.json()).toEqual({
      status: "not_ready",
      events: "spool",
      spool: { count: 3, bytes: 900 },
      problems: [{ code: "broker_down", message: "RabbitMQ refused", at: "2026-01-01T00:00:00.000Z" }],
    });
  });

  it("serves the console under /console/ without sign-in, with a strict CSP; / redirects there", async () => {
    const directory = mkdtempSync(join(tmpdir(), "wr-console-"));
    writeFileSync(join(directory, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(join(directory, "app.js"), "console.log(1)");
    writeFileSync(join(directory, "app.css"), "body{}");
    const base = await start({ token: TOKEN, consoleDir: directory });
    const root = await fetch(`${base}/`, { redirect: "manual" });
    expect([root.status, root.headers.get("location")]).toEqual([302, "/console/"]);
    const bare = await fetch(`${base}/console`, { redirect: "manual" });
    expect([bare.status, bare.headers.get("location")]).toEqual([301, "/console/"]);
    for (const path of ["/console/", "/console/events/evt%201"]) {
      const page = await fetch(`${base}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(await page.text()).toContain("<title>console</title>");
    }
    expect((await fetch(`${base}/console/app.js`)).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("says how to build the console when it is not built", async () => {
    const base = await start({ consoleDir: mkdtempSync(join(tmpdir(), "wr-console-empty-")) });
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("npm run build");
  });
});
