import { parseJson } from "../http-call.js";
import type { HttpAnswer } from "../http-errors.js";
import type { Scrubber } from "../scrub.js";

/**
 * TrackVia answers auth failures the Spring OAuth2 way (`{"error":"invalid_token",
 * "error_description":"Access token expired: …"}`) and other failures with a `message` (and
 * sometimes `errors`); the description is what an operator needs, scrubbed, on one line.
 */
export function describeTrackViaError(answer: HttpAnswer, scrubber: Scrubber): string | undefined {
  const body = parseJson(answer.text) as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return undefined;
  const parts = [body.error, body.error_description, body.message, ...(Array.isArray(body.errors) ? body.errors.slice(0, 3) : [])]
    .map((part) => (typeof part === "string" ? part : part && typeof part === "object" ? JSON.stringify(part) : undefined))
    .filter((part): part is string => !!part);
  if (parts.length === 0) return undefined;
  return scrubber.scrub(parts.join(": ")).replace(/\s+/g, " ").slice(0, 400);
}

/** A 401 that a new access token may cure: expired or otherwise refused tokens. */
export function isTokenRefusal(answer: HttpAnswer): boolean {
  return answer.status === 401;
}
