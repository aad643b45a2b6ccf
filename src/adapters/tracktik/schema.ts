import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";
import { urlTemplateProblem } from "../url-template.js";

/**
 * TrackTik's REST API (`https://{tenant}.staffr.us/rest/v1/…`): OAuth2 at
 * `/rest/oauth2/access_token` — the password grant of a service employee (with single-use refresh
 * tokens, kept in the state store), or the client-credentials grant when no user is given.
 */
export const tracktikDestinationSchema = z
  .strictObject({
    kind: z.literal("tracktik"),
    /** The tenant's address, e.g. `https://acme.staffr.us` (or `.staffr.net`). */
    baseUrl: httpUrl,
    /** @defaultValue `${baseUrl}/rest/oauth2/access_token` */
    tokenUrl: httpUrl.optional(),
    clientId: z.string().min(1),
    clientSecret: secret,
    /** The service employee the integration acts as (password grant); omit both for client credentials. */
    username: z.string().min(1).optional(),
    password: secret.optional(),
    /** A refresh token to start from instead of a first login; rotated ones are kept in the state store. */
    refreshToken: secret.optional(),
    /** @defaultValue "POST" */
    method: z.enum(["POST", "PUT", "PATCH"]).default("POST"),
    /**
     * The resource, after `baseUrl`: `/rest/v1/employees` to create, `/rest/v1/clients/{payload.id}`
     * to update. Placeholders as in `http` URLs; values are URL-encoded.
     */
    path: z.string().startsWith("/rest/", "expected a path under /rest/, e.g. /rest/v1/employees"),
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
    // Checked on a fixed origin: a bad baseUrl is reported on its own (or is an unset ${VAR} in `check`).
    const problem = urlTemplateProblem(`https://tenant.staffr.us${config.path}`);
    if (problem) ctx.addIssue({ code: "custom", path: ["path"], message: problem });
  });

export type TrackTikDestination = z.infer<typeof tracktikDestinationSchema>;
