import { randomBytes } from "node:crypto";
import { digestsEqual } from "../../verify/timing-safe.js";

/** One signed-in browser: the cookie names it, and its CSRF token must come back on every change. */
export interface ConsoleSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface ConsoleSessions {
  create(): ConsoleSession;
  /** The live session the cookie value names; undefined when unknown or expired. */
  find(id: string | undefined): ConsoleSession | undefined;
  delete(id: string): void;
  /** Whether `presented` is this session's CSRF token (constant-time). */
  csrfMatches(session: ConsoleSession, presented: string | undefined): boolean;
}

/** A working day: an operator signs in once a shift, and a stolen cookie dies by the next one. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions kept; past this the oldest goes (a sign-in loop cannot grow memory without bound). */
const MAX_SESSIONS = 1_000;

const randomToken = () => randomBytes(32).toString("base64url");

/**
 * Sessions kept in this process's memory: a restart signs everyone out, which is the safe side.
 * Ids and CSRF tokens are 256 random bits; neither is derived from ADMIN_TOKEN.
 */
export function createConsoleSessions(ttlMs = SESSION_TTL_MS, now: () => number = Date.now): ConsoleSessions {
  const sessions = new Map<string, ConsoleSession>();
  const sweep = () => {
    const at = now();
    for (const [id, session] of sessions) if (session.expiresAt <= at) sessions.delete(id);
  };
  return {
    create() {
      sweep();
      while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const session = { id: randomToken(), csrfToken: randomToken(), expiresAt: now() + ttlMs };
      sessions.set(session.id, session);
      return session;
    },
    find(id) {
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt > now()) return session;
      sessions.delete(id);
      return undefined;
    },
    delete(id) {
      sessions.delete(id);
    },
    csrfMatches(session, presented) {
      if (!presented) return false;
      return digestsEqual(Buffer.from(session.csrfToken, "utf8"), Buffer.from(presented, "utf8"));
    },
  };
}
