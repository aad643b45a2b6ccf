import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRouter, type TestRouter } from "../helpers/router.js";

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly text: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** A JSON error answer, and nothing in it that belongs in a log: no stack, no install path. */
function expectJsonError(answer: Answer, status: number, error: string): void {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  expect(JSON.parse(answer.text)).toMatchObject({ error });
  expect(answer.text).not.toMatch(/node_modules|\bat \w|<html|<pre/i);
}

/** Writes raw bytes and returns everything the router said before it closed the connection. */
function rawExchange(url: string, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let text = "";
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("close", () => resolve(text));
    socket.write(bytes);
  });
}

async function counted(router: TestRouter, labels: string): Promise<number> {
  const text = await (await fetch(`${router.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`webhook_router_requests_total{${labels}}`));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

// express answers an error it is handed with an HTML page, with the stack and install paths
// unless NODE_ENV=production. Every answer here is JSON, whatever NODE_ENV says.
describe.each([{ nodeEnv: undefined }, { nodeEnv: "production" }])("every answer is JSON and one log line (NODE_ENV=$nodeEnv)", ({ nodeEnv }) => {
  let router: TestRouter;
  const saved = process.env.NODE_ENV;

  beforeAll(async () => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    router = await startTestRouter({ ADMIN_PORT: "0" });
  });
  afterAll(async () => {
    await router?.close();
    process.env.NODE_ENV = saved;
  });

  const linesAbout = (path: string) => router.logs.filter((line) => line.path === path);

  it("a webhook URL with a malformed percent-escape: 400 invalid_url, logged on one JSON line", async () => {
    expectJsonError(await call(`${router.url}/webhooks/%ZZ`, { method: "POST", body: "{}" }), 400, "invalid_url");
    expect(linesAbout("/webhooks/%ZZ")).toEqual([expect.objectContaining({ method: "POST", status: 400, reason: "invalid_url" })]);
    expect(await counted(router, 'source="unknown",status="400",reason="invalid_url"')).toBeGreaterThanOrEqual(1);
  });

  it("any other path with a malformed escape: 400 invalid_url", async () => {
    expectJsonError(await call(`${router.url}/%ZZ`), 400, "invalid_url");
    expectJsonError(await call(`${router.url}/webhooks/tracktile/%E0%A4%A`, { method: "POST", body: "{}" }), 400, "invalid_url");
  });

  it("the admin API with a malformed escape: 400 JSON, not a 500", async () => {
    expectJsonError(await call(`http://127.0.0.1:${router.adminPort}/events/%ZZ`), 400, "invalid_request");
  });

  it("a 405 is logged and counted under its source", async () => {
    const before = await counted(router, 'source="tracktile",status="405",reason="method_not_allowed"');
    expectJsonError(await call(`${router.url}/webhooks/tracktile`, { method: "PUT", body: "{}" }), 405, "method_not_allowed");
    expect(linesAbout("/webhooks/tracktile").at(-1)).toMatchObject({ method: "PUT", source: "tracktile", status: 405, reason: "method_not_allowed" });
    expect(await counted(router, 'source="tracktile",status="405",reason="method_not_allowed"')).toBe(before + 1);
  });

  it('a 404 outside /webhooks/ is logged and counted with source "-"', async () => {
    expectJsonError(await call(`${router.url}/wp-login.php`), 404, "not_found");
    expect(linesAbout("/wp-login.php")).toEqual([expect.objectContaining({ status: 404, reason: "not_found" })]);
    expect(await counted(router, 'source="-",status="404",reason="not_found"')).toBeGreaterThanOrEqual(1);
  });

  it("health probes are counted, and logged at debug only", async () => {
    const before = await counted(router, 'source="-",status="200",reason="ok"');
    expect((await call(`${router.url}/healthz`)).status).toBe(200);
    expect(await counted(router, 'source="-",status="200",reason="ok"')).toBeGreaterThan(before);
    expect(linesAbout("/healthz").at(-1)).toMatchObject({ level: 20, status: 200 });
  });

  it("malformed HTTP and oversized headers, refused by node's parser, are answered in JSON and logged", async () => {
    const garbage = await rawExchange(router.url, "NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: "bad_request" });
    const huge = await rawExchange(router.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: "headers_too_large" });
    expect(router.logs.filter((line) => line.msg === "request refused").map((line) => line.reason)).toEqual(["bad_request", "headers_too_large"]);
  });
});
