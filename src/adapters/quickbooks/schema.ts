import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";

/** QuickBooks Online accounting API, OAuth2 with rotating refresh tokens. */
export const quickbooksDestinationSchema = z.strictObject({
  kind: z.literal("quickbooks"),
  /**
   * Use `https://sandbox-quickbooks.api.intuit.com` for a sandbox company.
   * @defaultValue "https://quickbooks.api.intuit.com"
   */
  baseUrl: httpUrl.default("https://quickbooks.api.intuit.com"),
  /**
   * The company id, quoted: realm ids have 16 digits, more than a YAML number keeps exactly.
   */
  realmId: z
    .string({
      error: (issue) =>
        issue.input === undefined ? undefined : 'must be a quoted string, e.g. realmId: "9130350000000001" (YAML loses digits of long numbers)',
    })
    .regex(/^\d+$/, "expected the numeric company (realm) id"),
  clientId: z.string().min(1),
  clientSecret: secret,
  /**
   * The refresh token from authorizing the app; used until a newer one is in the token store
   * (Intuit rotates it), and again if the stored one is refused (after re-authorizing).
   */
  refreshToken: secret,
  /** @defaultValue "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer" */
  tokenUrl: httpUrl.default("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"),
  /** Minor versions below 75 are unsupported since August 2025. @defaultValue 75 */
  minorVersion: z.number().int().min(75).default(75),
  ...commonFields,
  ...limitsField,
});

export type QuickBooksDestination = z.infer<typeof quickbooksDestinationSchema>;
