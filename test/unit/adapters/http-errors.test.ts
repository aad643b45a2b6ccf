import { describe, expect, it } from "vitest";
import { errorFromAnswer, kindForStatus, retryAfterMs } from "../../../src/adapters/http-errors.js";
import { Scrubber } from "../../../src/adapters/scrub.js";

const answer = (status: number, text = "", headers: Record<string, string> = {}) => ({ status, text, headers: new Headers(headers) });
const target = 'http destination "crm" (POST crm.example.com/orders)';

describe("kindForStatus", () => {
  it.each([408, 425, 429, 500, 502, 503, 504])("%i is transient", (status) => expect(kindForStatus(status)).toBe("transient"));
  it.each([401, 403])("%i is credentials", (status) => expect(kindForStatus(status)).toBe("credentials"));
  it.each([301, 400, 404, 409, 410, 413, 422])("%i is permanent", (status) => expect(kindForStatus(status)).toBe("permanent"));
});

describe("retryAfterMs", () => {
  it("reads delta-seconds", () => expect(retryAfterMs(new Headers({ "retry-after": "120" }))).toBe(120_000));
  it("reads an HTTP date", () => {
    const now = Date.parse("2026-09-14T08:30:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Mon, 14 Sep 2026 08:30:30 GMT" }), now)).toBe(30_000);
  });
  it("never returns a negative wait for a past date", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "Mon, 14 Sep 2026 08:00:00 GMT" }), Date.parse("2026-09-14T08:30:00Z"))).toBe(0);
  });
  it("reads ShipBob's x-retry-after", () => expect(retryAfterMs(new Headers({ "x-retry-after": "7" }))).toBe(7_000));
  it("ignores garbage", () => expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined());
});

describe("errorFromAnswer", () => {
  it("says who answered what, an excerpt of the body, and what happens next", () => {
    const error = errorFromAnswer(answer(503, "<html>\n  Service   Unavailable\n</html>", { "retry-after": "5" }), {
      target,
      scrubber: new Scrubber(),
    });
    expect(error).toMatchObject({ kind: "transient", status: 503, retryAfterMs: 5_000 });
    expect(error.message).toBe(`${target} answered 503: <html> Service Unavailable </html> — transient, will be retried after 5 s`);
  });

  it("uses the default wait only for a 429 without Retry-After", () => {
    expect(errorFromAnswer(answer(429), { target, scrubber: new Scrubber(), defaultRetryAfterMs: 60_000 }).retryAfterMs).toBe(60_000);
    expect(errorFromAnswer(answer(503), { target, scrubber: new Scrubber(), defaultRetryAfterMs: 60_000 }).retryAfterMs).toBeUndefined();
  });

  it("carries no retryAfterMs for a permanent error", () => {
    expect(errorFromAnswer(answer(400, "", { "retry-after": "5" }), { target, scrubber: new Scrubber() }).retryAfterMs).toBeUndefined();
  });

  it("truncates a long body and scrubs secrets from it", () => {
    const body = `{"token":"abc-def-ghi","note":"key s3cr3t-value echoed"} ${"x".repeat(1000)}`;
    const error = errorFromAnswer(answer(400, body), { target, scrubber: new Scrubber(["s3cr3t-value"]) });
    expect(error.message).not.toContain("s3cr3t-value");
    expect(error.message).not.toContain("abc-def-ghi");
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).toContain("replay the dead-lettered event");
  });

  it("tells the operator to check credentials on 401/403", () => {
    expect(errorFromAnswer(answer(403, "{}"), { target, scrubber: new Scrubber() }).message).toContain("check the destination's credentials");
  });

  it("lets the caller override the kind for APIs that signal errors in the body", () => {
    expect(errorFromAnswer(answer(200, "{}"), { target, scrubber: new Scrubber(), kind: "permanent", detail: "Fault" })).toMatchObject({
      kind: "permanent",
      status: 200,
    });
  });
});
