/** How a digest is written in a header. */
export type SignatureEncoding = "hex" | "base64";

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function encodeDigest(digest: Buffer, encoding: SignatureEncoding): string {
  return digest.toString(encoding);
}

/**
 * Decodes a presented signature strictly, or returns undefined. Buffer.from alone is lenient (it
 * stops at the first bad character and ignores base64's spare bits), which would let several
 * different strings pass as the same signature.
 *
 * Hex digits are accepted in either case: some senders upper-case them.
 */
export function decodeDigest(text: string, encoding: SignatureEncoding, length: number): Buffer | undefined {
  if (encoding === "hex") {
    if (text.length !== length * 2 || !HEX.test(text)) return undefined;
    return Buffer.from(text, "hex");
  }
  if (text.length !== Math.ceil(length / 3) * 4 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  // Re-encoding catches padding in the wrong place and non-zero spare bits.
  if (bytes.length !== length || bytes.toString("base64") !== text) return undefined;
  return bytes;
}
