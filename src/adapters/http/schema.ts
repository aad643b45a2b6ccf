import { z } from "zod";
import { commonFields, httpUrl, secret, urlTemplate } from "../common-schema.js";
import { limitsField } from "../limits.js";

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected an HTTP header name");

const oauth2 = z.strictObject({
  type: z.literal("oauth2"),
  tokenUrl: httpUrl,
  clientId: z.string().min(1),
  clientSecret: secret,
  /** Space-separated scopes to ask for; omitted from the token request when absent. */
  scope: z.string().optional(),
  /**
   * How the client authenticates to the token endpoint: HTTP Basic, or id and secret in the form.
   * @defaultValue "basic"
   */
  clientAuth: z.enum(["basic", "body"]).default("basic"),
});

/** How the http adapter authenticates; `none` for targets that sign nothing. */
export const httpAuthSchema = z.union([
  z.literal("none"),
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("bearer"), token: secret }),
    z.strictObject({ type: z.literal("basic"), username: z.string().min(1), password: secret }),
    /** An API key in a header of the target's choosing, e.g. `X-API-Key`. */
    z.strictObject({ type: z.literal("header"), name: headerName, value: secret }),
    oauth2,
  ]),
]);

/** A generic JSON-over-HTTP target: the payload is sent as the body. */
export const httpDestinationSchema = z.strictObject({
  kind: z.literal("http"),
  /** May hold `{event.id}`, `{event.data.orderId}`, `{payload.x}`; values are URL-encoded. */
  url: urlTemplate,
  /** @defaultValue "POST" */
  method: z.enum(["POST", "PUT", "PATCH", "DELETE"]).default("POST"),
  /** Static headers sent with every call. @defaultValue {} */
  headers: z.record(headerName, z.string()).default({}),
  /** @defaultValue "none" */
  auth: httpAuthSchema.default("none"),
  /**
   * Header that carries the event id so the target can drop a repeat; `false` to omit it.
   * @defaultValue "Idempotency-Key"
   */
  idempotencyHeader: z.union([headerName, z.literal(false)]).default("Idempotency-Key"),
  ...commonFields,
  ...limitsField,
});

export type HttpDestination = z.infer<typeof httpDestinationSchema>;
export type HttpAuth = HttpDestination["auth"];
