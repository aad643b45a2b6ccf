import { createBasicSigner, createBasicVerifier } from "./basic.js";
import { createHmacSigner, createHmacVerifier } from "./hmac.js";
import { hmacSettingsFor } from "./hmac-presets.js";
import type { VerificationConfig } from "./schema.js";
import { createSharedSecretHeaderSigner, createSharedSecretHeaderVerifier } from "./shared-secret-header.js";
import { createStandardWebhooksSigner, createStandardWebhooksVerifier } from "./standard-webhooks.js";
import type { Signer, Verifier } from "./verifier.js";

export type { VerificationConfig, VerificationConfigInput } from "./schema.js";
export { verificationSchema } from "./schema.js";
export type { SignedRequest, Signer, VerificationFailure, Verifier } from "./verifier.js";
export { VerificationError } from "./verifier.js";

/**
 * Builds the verifier for a source's `verify:` block, once at start-up.
 * @throws Error on a misconfiguration the schema did not already refuse (e.g. a bad whsec_ secret).
 */
export function createVerifier(config: VerificationConfig): Verifier {
  switch (config.preset) {
    case "standard-webhooks":
      return createStandardWebhooksVerifier(config.secrets);
    case "tracktik":
      return createSharedSecretHeaderVerifier({ header: config.header }, config.secrets);
    case "header-token":
      return createSharedSecretHeaderVerifier({ header: config.header, scheme: config.scheme }, config.secrets);
    case "basic":
      return createBasicVerifier(config.username, config.secrets);
    default:
      return createHmacVerifier(
        hmacSettingsFor(config),
        config.secrets.map((secret) => Buffer.from(secret)),
      );
  }
}

/**
 * Builds what the source's sender does: the headers it would attach to a body at a time, signed
 * with the first secret. Header names are lower-case, so the result is usable as request headers.
 */
export function createSigner(config: VerificationConfig): Signer {
  const [secret = ""] = config.secrets;
  switch (config.preset) {
    case "standard-webhooks":
      return createStandardWebhooksSigner(secret);
    case "tracktik":
      return createSharedSecretHeaderSigner({ header: config.header }, secret);
    case "header-token":
      return createSharedSecretHeaderSigner({ header: config.header, scheme: config.scheme }, secret);
    case "basic":
      return createBasicSigner(config.username, secret);
    default:
      return createHmacSigner(hmacSettingsFor(config), Buffer.from(secret));
  }
}
