import { Webhook } from "standardwebhooks";
import { createHmacSigner, createHmacVerifier, newMessageId } from "./hmac.js";
import type { HmacSettings } from "./hmac-settings.js";
import type { Signer, Verifier } from "./verifier.js";

/**
 * Standard Webhooks v1 (standardwebhooks.com) as settings of the shared HMAC engine:
 * `webhook-signature: v1,<base64> v1,<base64>` over `{id}.{timestamp}.{body}`.
 *
 * The `standardwebhooks` package decides which secrets are valid, but does not verify requests:
 * its `verify` decodes the body as UTF-8 before signing (so two bodies differing in bytes that are
 * not valid UTF-8 share one signature), reads the clock itself (so the `nowMs` of our contract is
 * ignored), and JSON-parses the body by default. Tests check that both sides interoperate.
 */
export const standardWebhooksSettings: HmacSettings = Object.freeze({
  header: "webhook-signature",
  algorithm: "sha256",
  encoding: "base64",
  format: Object.freeze({ kind: "versioned-list", version: "v1" }),
  signedContent: "{id}.{timestamp}.{body}",
  timestampHeader: "webhook-timestamp",
  idHeader: "webhook-id",
  // The reference libraries' tolerance: 5 minutes, both ways.
  toleranceSeconds: 5 * 60,
} as const);

const PREFIX = "whsec_";

/**
 * The HMAC key of a `whsec_<base64>` secret.
 * @throws Error (a misconfiguration) naming what is wrong — never the secret itself.
 */
export function standardWebhooksKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error("a Standard Webhooks secret must look like whsec_<base64>");
  try {
    new Webhook(secret); // the reference library's own checks: valid base64, not empty
  } catch (error) {
    throw new Error(`a Standard Webhooks secret must look like whsec_<base64> (${(error as Error).message})`);
  }
  return Buffer.from(secret.slice(PREFIX.length), "base64");
}

export function createStandardWebhooksVerifier(secrets: readonly string[]): Verifier {
  return createHmacVerifier(standardWebhooksSettings, secrets.map(standardWebhooksKey));
}

/** Signs with one secret; each message gets a fresh `webhook-id` unless `newId` says otherwise. */
export function createStandardWebhooksSigner(secret: string, newId: () => string = newMessageId): Signer {
  return createHmacSigner(standardWebhooksSettings, standardWebhooksKey(secret), newId);
}
