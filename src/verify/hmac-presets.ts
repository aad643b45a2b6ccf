import { customHmacSettings } from "./hmac-custom.js";
import type { HmacSettings } from "./hmac-settings.js";
import type { VerificationConfig } from "./schema.js";

/** The `verify:` blocks that the generic HMAC engine serves. */
export type HmacPresetConfig = Extract<VerificationConfig, { preset: "tracktile" | "stripe" | "github" | "shopify" | "slack" | "hmac" }>;

/**
 * Each named preset is a sender's documented scheme written as engine settings
 * (see shared/research/senders.md for where each fact was read).
 */
export function hmacSettingsFor(config: HmacPresetConfig): HmacSettings {
  switch (config.preset) {
    case "tracktile":
    case "stripe":
      // Same layout: `t=<unix s>,v1=<hex>[,v1=<hex>…]` over `{t}.{body}`.
      return {
        header: config.header,
        algorithm: "sha256",
        encoding: "hex",
        format: { kind: "kv", timestampKey: "t", signatureKey: "v1" },
        signedContent: "{timestamp}.{body}",
        toleranceSeconds: config.toleranceSeconds,
      };
    case "github":
      return plain("x-hub-signature-256", "sha256=", "hex");
    case "shopify":
      return plain("x-shopify-hmac-sha256", "", "base64");
    case "slack":
      return {
        ...plain("x-slack-signature", "v0=", "hex"),
        signedContent: "v0:{timestamp}:{body}",
        timestampHeader: "x-slack-request-timestamp",
        toleranceSeconds: config.toleranceSeconds,
      };
    case "hmac":
      return customHmacSettings(config);
  }
}

function plain(header: string, prefix: string, encoding: "hex" | "base64"): HmacSettings {
  return {
    header,
    algorithm: "sha256",
    encoding,
    format: { kind: "plain", prefix },
    signedContent: "{body}",
    toleranceSeconds: 300, // unused: these schemes carry no timestamp
  };
}
