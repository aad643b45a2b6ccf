import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";
import { isoDateTime } from "../platform-fields.js";
import { urlTemplateProblem } from "../url-template.js";

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected an HTTP header name");

/**
 * Tracktile's REST API with a Bearer `api-…` token. `url` and `method` mean what they mean for
 * `kind: http` (so an `http` destination with `auth: { type: bearer }` becomes this one by changing
 * its `kind`), and `url` may also be a path under `baseUrl`: `/customers/{payload.tracktileId}`.
 */
export const tracktileDestinationSchema = z
  .strictObject({
    kind: z.literal("tracktile"),
    /** @defaultValue "https://api.tracktile.io" */
    baseUrl: httpUrl.default("https://api.tracktile.io"),
    /** An absolute URL template, or a path under `baseUrl`, e.g. `/customers/{payload.tracktileId}`. */
    url: z.string().min(1),
    /** @defaultValue "POST" */
    method: z.enum(["POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    /** The API token (`api-…`; machine tokens work too). */
    token: secret.optional(),
    /** Accepted instead of `token`, as an `http` destination writes it. */
    auth: z.strictObject({ type: z.literal("bearer"), token: secret }).optional(),
    /** When the token expires (ISO 8601), for the warning email N days ahead. */
    tokenExpiresAt: isoDateTime.optional(),
    /** Static headers sent with every call. @defaultValue {} */
    headers: z.record(headerName, z.string()).default({}),
    /**
     * Tracktile documents no idempotency header; name one to send the event id anyway.
     * @defaultValue false
     */
    idempotencyHeader: z.union([headerName, z.literal(false)]).default(false),
    ...commonFields,
    ...limitsField,
  })
  .superRefine((config, ctx) => {
    if ((config.token === undefined) === (config.auth === undefined)) {
      ctx.addIssue({ code: "custom", path: ["token"], message: "expected the API token in token (or auth: { type: bearer, token }), once" });
    }
    // A path is checked on a fixed origin: a bad baseUrl is reported on its own.
    const problem = urlTemplateProblem(tracktileUrl({ baseUrl: "https://api.tracktile.io", url: config.url }));
    if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: problem });
  });

export type TrackTileDestination = z.infer<typeof tracktileDestinationSchema>;

/** The absolute URL template: `url` itself, or `baseUrl` + `url` when it is a path. */
export function tracktileUrl(config: { readonly baseUrl: string; readonly url: string }): string {
  return config.url.startsWith("/") ? `${config.baseUrl}${config.url}` : config.url;
}
