import { displayHeaderName } from "./headers.js";
import { VerificationError } from "./verifier.js";

/**
 * How the signature header is laid out:
 * - `plain`: `<prefix><signature>` (GitHub `sha256=<hex>`, Slack `v0=<hex>`, Shopify `<base64>`);
 * - `kv`: `t=<unix s>,v1=<sig>[,v1=<sig>…]` (Stripe, Tracktile), unknown keys ignored;
 * - `versioned-list`: `v1,<sig> v1,<sig>` (Standard Webhooks), other versions ignored.
 */
export type SignatureFormat =
  | { readonly kind: "plain"; readonly prefix: string }
  | { readonly kind: "kv"; readonly timestampKey: string; readonly signatureKey: string }
  | { readonly kind: "versioned-list"; readonly version: string };

/** What a signature header carries, still as text. */
export interface SignatureHeader {
  readonly timestamp: string | undefined;
  /** Several while a sender rotates its secret: any one may match. */
  readonly signatures: readonly string[];
}

// Messages name what is wrong, never the value: it may be a valid signature for another body.
function malformed(header: string, problem: string): VerificationError {
  return new VerificationError("malformed_signature", `${displayHeaderName(header)} header ${problem}`);
}

export function parseSignatureHeader(value: string, format: SignatureFormat, header: string): SignatureHeader {
  switch (format.kind) {
    case "plain":
      if (!value.startsWith(format.prefix)) throw malformed(header, `does not start with ${format.prefix}`);
      return { timestamp: undefined, signatures: [value.slice(format.prefix.length)] };
    case "kv":
      return parseKeyValues(value, format.timestampKey, format.signatureKey, header);
    case "versioned-list":
      return parseVersionedList(value, format.version, header);
  }
}

function parseKeyValues(value: string, timestampKey: string, signatureKey: string, header: string): SignatureHeader {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(",")) {
    const equals = item.indexOf("=");
    if (equals < 0) throw malformed(header, "has an item without =");
    const key = item.slice(0, equals).trim();
    const text = item.slice(equals + 1).trim();
    if (key === timestampKey) {
      if (timestamp !== undefined) throw malformed(header, `has more than one ${timestampKey}=`);
      timestamp = text;
    } else if (key === signatureKey) {
      signatures.push(text);
    }
  }
  if (timestamp === undefined) throw malformed(header, `has no ${timestampKey}= timestamp`);
  if (signatures.length === 0) throw malformed(header, `has no ${signatureKey}= signature`);
  return { timestamp, signatures };
}

function parseVersionedList(value: string, version: string, header: string): SignatureHeader {
  const signatures: string[] = [];
  for (const item of value.split(" ")) {
    if (item === "") continue;
    const comma = item.indexOf(",");
    if (comma < 0) throw malformed(header, "has an item without a version");
    if (item.slice(0, comma) === version) signatures.push(item.slice(comma + 1));
  }
  if (signatures.length === 0) throw malformed(header, `has no ${version} signature`);
  return { timestamp: undefined, signatures };
}

/** The header value a sender writes for one signature. */
export function formatSignatureHeader(format: SignatureFormat, signature: string, timestamp: string | undefined): string {
  switch (format.kind) {
    case "plain":
      return format.prefix + signature;
    case "kv":
      return `${format.timestampKey}=${timestamp ?? ""},${format.signatureKey}=${signature}`;
    case "versioned-list":
      return `${format.version},${signature}`;
  }
}
