import { VerificationError } from "./verifier.js";

// Digits only: parseInt would read "1699900000abc" or "1e3" as a number and hide a broken sender.
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/** Parses a Unix-seconds timestamp a sender put in `where` (a header or a header field). */
export function parseUnixSeconds(text: string, where: string): number {
  if (!UNIX_SECONDS.test(text)) {
    throw new VerificationError("malformed_signature", `${where} is not a Unix timestamp in seconds`);
  }
  return Number(text);
}

/**
 * Refuses timestamps too old (a replay) and too far ahead (a replay prepared in advance, or a
 * sender whose clock is wrong), so a captured request is only usable for `toleranceSeconds`.
 */
export function assertWithinTolerance(timestamp: number, nowMs: number, toleranceSeconds: number): void {
  const drift = timestamp - Math.floor(nowMs / 1000);
  if (Math.abs(drift) <= toleranceSeconds) return;
  const direction = drift < 0 ? "in the past" : "in the future";
  throw new VerificationError(
    "timestamp_out_of_tolerance",
    `timestamp ${timestamp} is ${Math.abs(drift)} s ${direction} (tolerance ${toleranceSeconds} s)`,
  );
}
