import type { SignatureEncoding } from "./signature-encoding.js";
import type { SignatureFormat } from "./signature-header.js";
import type { SignedContent } from "./signed-content.js";
import { compileSignedContent } from "./signed-content.js";

export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

const DIGEST_LENGTH: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

/** Everything the one HMAC engine needs to know about a sender's scheme. Header names lower-case. */
export interface HmacSettings {
  readonly header: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  readonly format: SignatureFormat;
  /** Template over `{body}`, `{timestamp}`, `{id}`. */
  readonly signedContent: string;
  readonly timestampHeader?: string | undefined;
  readonly idHeader?: string | undefined;
  /** Allowed distance between the timestamp and now, both ways; used only with a timestamp. */
  readonly toleranceSeconds: number;
}

export interface CompiledHmacSettings extends HmacSettings {
  readonly content: SignedContent;
  readonly digestLength: number;
  /** The scheme carries a timestamp: in the signature header (`kv`) or in its own header. */
  readonly hasTimestamp: boolean;
}

/**
 * Lists what is inconsistent in a scheme, as sentences for a config error; empty when sound.
 * Checked once at start-up so that `verify` never meets a half-configured scheme.
 */
export function hmacSettingsProblems(settings: HmacSettings): string[] {
  let content: SignedContent;
  try {
    content = compileSignedContent(settings.signedContent);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  const fromKv = settings.format.kind === "kv";
  if (fromKv && settings.timestampHeader !== undefined) {
    problems.push("format kv reads the timestamp from the signature header; remove timestampHeader");
  }
  if (fromKv && settings.format.timestampKey === settings.format.signatureKey) {
    problems.push("timestampKey and signatureKey must differ");
  }
  const hasTimestamp = fromKv || settings.timestampHeader !== undefined;
  if (content.uses.has("timestamp") && !hasTimestamp) {
    problems.push("signedContent uses {timestamp} but there is no timestampHeader (or format kv)");
  }
  if (hasTimestamp && !content.uses.has("timestamp")) {
    problems.push("the timestamp is not in signedContent, so it is not signed and can't stop replays; add {timestamp}");
  }
  if (content.uses.has("id") !== (settings.idHeader !== undefined)) {
    problems.push("idHeader and an {id} placeholder in signedContent go together");
  }
  if (!Number.isInteger(settings.toleranceSeconds) || settings.toleranceSeconds <= 0) {
    problems.push("toleranceSeconds must be a positive whole number");
  }
  return problems;
}

/** @throws Error listing every problem when the settings are inconsistent. */
export function compileHmacSettings(settings: HmacSettings): CompiledHmacSettings {
  const problems = hmacSettingsProblems(settings);
  if (problems.length > 0) throw new Error(`invalid HMAC verification settings: ${problems.join("; ")}`);
  return {
    ...settings,
    content: compileSignedContent(settings.signedContent),
    digestLength: DIGEST_LENGTH[settings.algorithm],
    hasTimestamp: settings.format.kind === "kv" || settings.timestampHeader !== undefined,
  };
}
