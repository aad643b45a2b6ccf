import { describe, expect, it } from "vitest";
import { createConsoleSessions, SESSION_TTL_MS } from "../../../src/ops/admin/console-sessions.js";
import { createSignInLimiter, SIGN_IN_FAILURES, SIGN_IN_WINDOW_MS } from "../../../src/ops/admin/sign-in-limiter.js";

describe("console sessions", () => {
  it("end after twelve hours, and an unknown or empty id finds none", () => {
    let now = 0;
    const sessions = createConsoleSessions(SESSION_TTL_MS, () => now);
    const session = sessions.create();
    expect(sessions.find(session.id)).toBe(session);
    expect(sessions.find(undefined)).toBeUndefined();
    expect(sessions.find(`${session.id}x`)).toBeUndefined();
    now = SESSION_TTL_MS - 1;
    expect(sessions.find(session.id)).toBe(session);
    now = SESSION_TTL_MS;
    expect(sessions.find(session.id)).toBeUndefined();
  });

  it("give every session its own random id and CSRF token, checked exactly", () => {
    const sessions = createConsoleSessions();
    const a = sessions.create();
    const b = sessions.create();
    expect(new Set([a.id, a.csrfToken, b.id, b.csrfToken]).size).toBe(4);
    expect(sessions.csrfMatches(a, a.csrfToken)).toBe(true);
    expect(sessions.csrfMatches(a, b.csrfToken)).toBe(false);
    expect(sessions.csrfMatches(a, a.csrfToken.slice(1))).toBe(false);
    expect(sessions.csrfMatches(a, undefined)).toBe(false);
    expect(sessions.csrfMatches(a, "")).toBe(false);
  });

  it("keep at most a thousand: a sign-in loop drops the oldest instead of growing memory", () => {
    const sessions = createConsoleSessions();
    const first = sessions.create();
    for (let index = 0; index < 1000; index += 1) sessions.create();
    expect(sessions.find(first.id)).toBeUndefined();
  });
});

describe("the sign-in limiter", () => {
  it("lets an address fail ten times in a window, then makes it wait until the window ends", () => {
    let now = 0;
    const limiter = createSignInLimiter(() => now);
    for (let attempt = 0; attempt < SIGN_IN_FAILURES; attempt += 1) {
      expect(limiter.retryAfter("10.0.0.1")).toBe(0);
      limiter.failed("10.0.0.1");
    }
    expect(limiter.retryAfter("10.0.0.1")).toBe(SIGN_IN_WINDOW_MS / 1000);
    expect(limiter.retryAfter("10.0.0.2")).toBe(0);
    now = SIGN_IN_WINDOW_MS;
    expect(limiter.retryAfter("10.0.0.1")).toBe(0);
  });

  it("forgets an address's failures once it signs in", () => {
    const limiter = createSignInLimiter();
    for (let attempt = 0; attempt < SIGN_IN_FAILURES - 1; attempt += 1) limiter.failed("10.0.0.1");
    limiter.succeeded("10.0.0.1");
    limiter.failed("10.0.0.1");
    expect(limiter.retryAfter("10.0.0.1")).toBe(0);
  });
});
