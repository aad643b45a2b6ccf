import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";
import { numericId, isoDateTime } from "../platform-fields.js";

/**
 * TrackVia's REST API: `user_key` on every request plus an OAuth2 bearer token, from a password
 * login (`username`/`password`) or a refresh token (`refreshToken`), or both.
 */
export const trackviaDestinationSchema = z
  .strictObject({
    kind: z.literal("trackvia"),
    /** @defaultValue "https://go.trackvia.com" */
    baseUrl: httpUrl.default("https://go.trackvia.com"),
    /** The account's API key, sent as the `user_key` query parameter on every call. */
    userKey: secret,
    /** The integration's own API user (TrackVia's advice: one per integration), for the password grant. */
    username: z.string().min(1).optional(),
    password: secret.optional(),
    /** A refresh token to start from; the rotated ones are kept in the state store. */
    refreshToken: secret.optional(),
    /**
     * When `refreshToken` expires (ISO 8601), for the warning email; the token endpoint's own
     * answer replaces it after the first refresh.
     */
    refreshTokenExpiresAt: isoDateTime.optional(),
    /** The OAuth client TrackVia's API documents. @defaultValue "TrackViaAPI" */
    clientId: z.string().min(1).default("TrackViaAPI"),
    /** @defaultValue `${baseUrl}/oauth/token` */
    tokenUrl: httpUrl.optional(),
    /** The view records are written through, unless the mapping's output names one (`viewId`). */
    viewId: numericId.optional(),
    ...commonFields,
    ...limitsField,
  })
  .superRefine((config, ctx) => {
    if ((config.username === undefined) !== (config.password === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [config.username === undefined ? "username" : "password"],
        message: "username and password go together (the password grant)",
      });
    }
    if (config.password === undefined && config.refreshToken === undefined) {
      ctx.addIssue({ code: "custom", path: ["refreshToken"], message: "expected username and password, or a refreshToken (or both)" });
    }
  });

export type TrackViaDestination = z.infer<typeof trackviaDestinationSchema>;
