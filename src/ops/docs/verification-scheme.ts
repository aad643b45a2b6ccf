import type { HmacSettings } from "../../verify/hmac-settings.js";
import { hmacSettingsFor } from "../../verify/hmac-presets.js";
import type { VerificationConfig } from "../../verify/schema.js";
import type { SignatureFormat } from "../../verify/signature-header.js";
import { standardWebhooksSettings } from "../../verify/standard-webhooks.js";

/** A header the sender must send besides the one the security scheme names. */
export interface RequiredHeader {
  readonly name: string;
  readonly description: string;
}

/** How a source's requests are verified, as OpenAPI says it: a security scheme and any other headers it needs. */
export interface VerificationDoc {
  readonly scheme: Readonly<Record<string, unknown>>;
  readonly headers: readonly RequiredHeader[];
}

const ROTATION = "Any of the source's active secrets may match (rotation).";

/** A source's `verify:` block as an OpenAPI security scheme plus required headers; never a secret. */
export function verificationDoc(config: VerificationConfig): VerificationDoc {
  switch (config.preset) {
    case "basic":
      return {
        scheme: {
          type: "http",
          scheme: "basic",
          description: `HTTP Basic: user \`${config.username}\`, one of the source's secrets as password. ${ROTATION}`,
        },
        headers: [],
      };
    case "tracktik":
    case "header-token": {
      const scheme = config.preset === "header-token" ? config.scheme : undefined;
      const value = scheme ? `\`${scheme} <secret>\`` : "a secret";
      return {
        scheme: {
          type: "apiKey",
          in: "header",
          name: config.header,
          description: `The \`${config.header}\` header carries ${value}, compared in constant time. ${ROTATION}`,
        },
        headers: [],
      };
    }
    case "standard-webhooks":
      return hmacDoc(standardWebhooksSettings, "Standard Webhooks v1 (secrets `whsec_<base64>`)");
    default:
      return hmacDoc(hmacSettingsFor(config), `preset \`${config.preset}\``);
  }
}

function hmacDoc(settings: HmacSettings, what: string): VerificationDoc {
  const hasTimestamp = settings.format.kind === "kv" || settings.timestampHeader !== undefined;
  const tolerance = hasTimestamp ? ` The timestamp must be within ${settings.toleranceSeconds} s of the router's clock, both ways.` : "";
  const description =
    `${what}: \`${settings.header}: ${formatText(settings.format, settings.encoding)}\`, the ${settings.encoding} HMAC-${settings.algorithm.toUpperCase()} ` +
    `of \`${settings.signedContent}\` (\`{body}\`: the raw body, byte for byte) keyed with the secret.${tolerance} ${ROTATION}`;
  const headers: RequiredHeader[] = [];
  if (settings.timestampHeader) headers.push({ name: settings.timestampHeader, description: "unix seconds: the `{timestamp}` that is signed" });
  if (settings.idHeader) headers.push({ name: settings.idHeader, description: "the message id: the `{id}` that is signed" });
  return { scheme: { type: "apiKey", in: "header", name: settings.header, description }, headers };
}

function formatText(format: SignatureFormat, encoding: string): string {
  switch (format.kind) {
    case "plain":
      return `${format.prefix}<${encoding}>`;
    case "kv":
      return `${format.timestampKey}=<unix s>,${format.signatureKey}=<${encoding}>[,${format.signatureKey}=…]`;
    case "versioned-list":
      return `${format.version},<${encoding}> [${format.version},<${encoding}> …]`;
  }
}
