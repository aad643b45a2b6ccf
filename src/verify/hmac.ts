import type { KeyObject } from "node:crypto";
import { createHmac, createSecretKey, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { displayHeaderName, requireHeader } from "./headers.js";
import type { CompiledHmacSettings, HmacSettings } from "./hmac-settings.js";
import { compileHmacSettings } from "./hmac-settings.js";
import { decodeDigest, encodeDigest } from "./signature-encoding.js";
import { formatSignatureHeader, parseSignatureHeader } from "./signature-header.js";
import type { SignedValues } from "./signed-content.js";
import { updateWithSignedContent } from "./signed-content.js";
import { digestsEqual } from "./timing-safe.js";
import { assertWithinTolerance, parseUnixSeconds } from "./timestamp.js";
import type { Signer, Verifier } from "./verifier.js";
import { VerificationError } from "./verifier.js";

/**
 * The one HMAC engine behind every HMAC preset (GitHub, Shopify, Stripe, Slack, Tracktile,
 * Standard Webhooks) and the configurable `hmac` preset: the presets differ only in settings.
 *
 * @param keys HMAC keys of the active secrets, newest first; any one may match.
 * @throws Error at construction when the settings are inconsistent or there is no key.
 */
export function createHmacVerifier(settings: HmacSettings, keys: readonly Buffer[]): Verifier {
  const s = compileHmacSettings(settings);
  const keyObjects = toKeyObjects(keys);
  const header = displayHeaderName(s.header);
  const timestampSource =
    s.timestampHeader === undefined ? `${header} header's ${timestampKeyOf(s)}=` : `${displayHeaderName(s.timestampHeader)} header`;

  /** Everything the headers carry, checked for shape: the part of `verify` that needs no body. */
  const presentedIn = (headers: IncomingHttpHeaders) => {
    const parsed = parseSignatureHeader(requireHeader(headers, s.header), s.format, s.header);
    const timestampText = s.timestampHeader === undefined ? parsed.timestamp : requireHeader(headers, s.timestampHeader);
    const timestamp = timestampText === undefined ? undefined : parseUnixSeconds(timestampText, timestampSource);
    const id = s.idHeader === undefined ? undefined : requireHeader(headers, s.idHeader);
    const digests: Buffer[] = [];
    for (const text of parsed.signatures) {
      const digest = decodeDigest(text, s.encoding, s.digestLength);
      if (digest === undefined) {
        throw new VerificationError("malformed_signature", `${header} header has a signature that is not ${s.digestLength}-byte ${s.encoding}`);
      }
      digests.push(digest);
    }
    return { timestampText, timestamp, id, digests };
  };

  return Object.freeze({
    precheck(headers) {
      presentedIn(headers);
    },
    verify({ rawBody, headers }, nowMs) {
      const { timestampText, timestamp, id, digests } = presentedIn(headers);
      const values: SignedValues = { body: rawBody, timestamp: timestampText, id };
      if (!keyObjects.some((key) => matchesAny(sign(s, key, values), digests))) {
        throw new VerificationError("bad_signature", "signature does not match any active secret");
      }
      // Checked after the signature so that this reason means "genuine but stale", not "anything".
      if (timestamp !== undefined) assertWithinTolerance(timestamp, nowMs, s.toleranceSeconds);
    },
  } satisfies Verifier);
}

/**
 * Signs as the sender would, with one key. `newId` makes the id for schemes with an id header.
 * @throws Error at construction when the settings are inconsistent or the key is empty.
 */
export function createHmacSigner(settings: HmacSettings, key: Buffer, newId: () => string = newMessageId): Signer {
  const s = compileHmacSettings(settings);
  const [keyObject] = toKeyObjects([key]) as [KeyObject];
  return Object.freeze({
    sign(rawBody, nowMs) {
      const timestamp = s.hasTimestamp ? String(Math.floor(nowMs / 1000)) : undefined;
      const id = s.idHeader === undefined ? undefined : newId();
      const signature = encodeDigest(sign(s, keyObject, { body: rawBody, timestamp, id }), s.encoding);
      const out: Record<string, string> = { [s.header]: formatSignatureHeader(s.format, signature, timestamp) };
      if (s.timestampHeader !== undefined && timestamp !== undefined) out[s.timestampHeader] = timestamp;
      if (s.idHeader !== undefined && id !== undefined) out[s.idHeader] = id;
      return out;
    },
  } satisfies Signer);
}

/** A fresh id in the shape Standard Webhooks senders use, e.g. `msg_3f2a…`. */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}

function sign(s: CompiledHmacSettings, key: KeyObject, values: SignedValues): Buffer {
  const hmac = createHmac(s.algorithm, key);
  updateWithSignedContent(hmac, s.content, values);
  return hmac.digest();
}

function matchesAny(expected: Buffer, presented: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of presented) matched = digestsEqual(expected, candidate) || matched;
  return matched;
}

// KeyObjects are built once: createHmac then skips copying and checking the key on every request.
function toKeyObjects(keys: readonly Buffer[]): KeyObject[] {
  if (keys.length === 0 || keys.some((key) => key.length === 0)) {
    throw new Error("at least one non-empty secret is required");
  }
  return keys.map((key) => createSecretKey(key));
}

function timestampKeyOf(s: CompiledHmacSettings): string {
  return s.format.kind === "kv" ? s.format.timestampKey : "timestamp";
}
