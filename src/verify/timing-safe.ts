import { createHash, timingSafeEqual } from "node:crypto";

/**
 * `timingSafeEqual` throws on different lengths, and checking lengths first would tell an
 * attacker how long the secret is. Hashing both sides first gives fixed-length (32-byte) values,
 * so the comparison takes the same time whatever was sent.
 */
export function digestOf(value: Buffer): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Compares two digests of a length everyone knows (an HMAC of a known algorithm, a SHA-256).
 * The length check leaks nothing: it depends only on public facts.
 */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Matches a presented secret against every active secret without revealing, through timing,
 * how much of any secret was right. Each secret's digest is computed once, here.
 */
export function createSecretMatcher(secrets: readonly Buffer[]): (presented: Buffer) => boolean {
  if (secrets.length === 0) throw new Error("at least one non-empty secret is required");
  const digests = secrets.map(digestOf);
  return (presented) => {
    const candidate = digestOf(presented);
    let matched = false;
    // No early exit: every secret is compared, so timing does not say which one matched.
    for (const digest of digests) matched = timingSafeEqual(candidate, digest) || matched;
    return matched;
  };
}
