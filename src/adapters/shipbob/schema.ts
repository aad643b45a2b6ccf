import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";

/** ShipBob's REST API: orders created with a `reference_id` that makes creation idempotent. */
export const shipbobDestinationSchema = z.strictObject({
  kind: z.literal("shipbob"),
  /**
   * Use `https://sandbox-api.shipbob.com` for the sandbox.
   * @defaultValue "https://api.shipbob.com"
   */
  baseUrl: httpUrl.default("https://api.shipbob.com"),
  /** The dated API version in the path. @defaultValue "2026-07" */
  version: z
    .string()
    .regex(/^(\d{4}-\d{2}|\d+\.\d+)$/, "expected a version like 2026-07")
    .default("2026-07"),
  /** A personal access token (or an OAuth2 access token). */
  token: secret,
  /** Sent as `shipbob_channel_id`: the channel the orders belong to. */
  channelId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
  ...commonFields,
  ...limitsField,
});

export type ShipBobDestination = z.infer<typeof shipbobDestinationSchema>;
