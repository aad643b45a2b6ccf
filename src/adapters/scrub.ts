/**
 * Keeps secrets out of error messages and logs. A target's error body can echo what it was sent
 * (some proxies reflect the Authorization header, OAuth servers repeat a bad refresh token), and
 * those messages end up in logs, alerts and the dead-letter queue.
 */
export class Scrubber {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a value to blank out: a configured key, or a token obtained at run time. */
  add(secret: string | undefined): void {
    // Very short values would blank out ordinary words; no real credential is that short.
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      out = out.split(secret).join("[redacted]");
      // Basic credentials travel base64-encoded; an echoed header would show them that way.
      const encoded = Buffer.from(secret).toString("base64").replace(/=+$/, "");
      if (encoded.length >= 8) out = out.split(encoded).join("[redacted]");
    }
    return (
      out
        .replace(/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]")
        .replace(
          /("?(?:access_token|refresh_token|id_token|client_secret|password|api_?key|token)"?\s*[:=]\s*)("[^"]*"|[^\s&,}]+)/gi,
          '$1"[redacted]"',
        )
        // An Authorization header with some other scheme, or none.
        .replace(/(authorization"?\s*[:=]\s*"?)(?![\s"]*(?:bearer|basic|token) \[redacted\])[^",}\n]+/gi, "$1[redacted]")
    );
  }
}

const EXCERPT_CHARS = 300;

/** A short, single-line, scrubbed excerpt of an error body for a message. */
export function excerpt(text: string, scrubber: Scrubber, max = EXCERPT_CHARS): string {
  const flat = scrubber.scrub(text).replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty body)";
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
