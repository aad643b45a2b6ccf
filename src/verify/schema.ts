import { z } from "zod";
import { HEADER_NAME } from "./headers.js";
import { customHmacSettings } from "./hmac-custom.js";
import { hmacSettingsProblems } from "./hmac-settings.js";
import { standardWebhooksKey } from "./standard-webhooks.js";

// Header names are case-insensitive; node:http gives them lower-cased, so config is lower-cased once.
const headerName = z
  .string()
  .regex(HEADER_NAME, "expected an HTTP header name")
  .transform((name) => name.toLowerCase());
const toleranceSeconds = z.number().int().positive();
const secretFields = {
  /** Shorthand for a one-element `secrets`. */
  secret: z.string().optional(),
  /** Active secrets, any of which may match (rotation). Empty strings are dropped. */
  secrets: z.array(z.string()).optional(),
};

interface SecretInput {
  secret?: string | undefined;
  secrets?: string[] | undefined;
}

/**
 * Folds `secret` into `secrets` and drops empty strings, so an unset optional rotation slot
 * (`${NEXT_SECRET:-}`) is harmless. `check` returns why a secret is unusable, if it is.
 */
function normalizeSecrets(check?: (secret: string) => string | undefined) {
  return <T extends SecretInput>(value: T, ctx: z.core.$RefinementCtx<T>) => {
    const { secret, secrets, ...rest } = value;
    if (secret !== undefined && secrets !== undefined) {
      ctx.addIssue({ code: "custom", path: ["secret"], message: "use either secret or secrets, not both" });
      return z.NEVER;
    }
    const key = secrets === undefined ? "secret" : "secrets";
    const given = secrets ?? (secret === undefined ? [] : [secret]);
    given.forEach((item, index) => {
      const problem = item === "" ? undefined : check?.(item);
      if (problem) ctx.addIssue({ code: "custom", path: key === "secret" ? [key] : [key, index], message: problem });
    });
    const kept = given.filter((item) => item !== "");
    if (kept.length === 0) {
      ctx.addIssue({ code: "custom", path: [key], message: "at least one non-empty secret is required" });
      return z.NEVER;
    }
    return { ...rest, secrets: kept };
  };
}

const tracktile = z
  .strictObject({
    preset: z.literal("tracktile"),
    ...secretFields,
    /** @defaultValue "x-tracktile-signature" */
    header: headerName.default("x-tracktile-signature"),
    /** @defaultValue 300 */
    toleranceSeconds: toleranceSeconds.default(300),
  })
  .transform(normalizeSecrets());

const stripe = z
  .strictObject({
    preset: z.literal("stripe"),
    ...secretFields,
    /** @defaultValue 300 */
    toleranceSeconds: toleranceSeconds.default(300),
  })
  .transform(normalizeSecrets())
  .transform((config) => ({ ...config, header: "stripe-signature" as const }));

const github = z.strictObject({ preset: z.literal("github"), ...secretFields }).transform(normalizeSecrets());
const shopify = z.strictObject({ preset: z.literal("shopify"), ...secretFields }).transform(normalizeSecrets());

const slack = z
  .strictObject({
    preset: z.literal("slack"),
    ...secretFields,
    /** @defaultValue 300 */
    toleranceSeconds: toleranceSeconds.default(300),
  })
  .transform(normalizeSecrets());

const kvKey = z.string().regex(/^[A-Za-z0-9_-]+$/, "expected letters, digits, - or _");

const hmac = z
  .strictObject({
    preset: z.literal("hmac"),
    ...secretFields,
    header: headerName,
    /** @defaultValue "sha256" */
    algorithm: z.enum(["sha1", "sha256", "sha512"]).default("sha256"),
    /** @defaultValue "hex" */
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** `plain`: the header is `<prefix><signature>`; `kv`: `t=<unix s>,v1=<sig>,…`. @defaultValue "plain" */
    format: z.enum(["plain", "kv"]).default("plain"),
    /** Text before the signature, e.g. `sha256=` (format plain). @defaultValue "" */
    prefix: z.string().optional(),
    /** @defaultValue "t" (format kv) */
    timestampKey: kvKey.optional(),
    /** @defaultValue "v1" (format kv) */
    signatureKey: kvKey.optional(),
    /** Placeholders `{body}`, `{timestamp}`, `{id}`. @defaultValue "{body}" */
    signedContent: z.string().default("{body}"),
    timestampHeader: headerName.optional(),
    idHeader: headerName.optional(),
    /** Used only when there is a timestamp. @defaultValue 300 */
    toleranceSeconds: toleranceSeconds.default(300),
  })
  .superRefine((config, ctx) => {
    if (config.format === "kv" && config.prefix !== undefined) {
      ctx.addIssue({ code: "custom", path: ["prefix"], message: "prefix applies only to format plain" });
    }
    for (const key of ["timestampKey", "signatureKey"] as const) {
      if (config.format === "plain" && config[key] !== undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: `${key} applies only to format kv` });
      }
    }
  })
  .transform(normalizeSecrets())
  .superRefine((config, ctx) => {
    for (const message of hmacSettingsProblems(customHmacSettings(config))) ctx.addIssue({ code: "custom", message });
  });

const standardWebhooks = z.strictObject({ preset: z.literal("standard-webhooks"), ...secretFields }).transform(
  normalizeSecrets((secret) => {
    try {
      standardWebhooksKey(secret);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }),
);

const tracktik = z
  .strictObject({
    preset: z.literal("tracktik"),
    ...secretFields,
    /** The header name chosen when subscribing (`secretHeaderName`). @defaultValue "x-tracktik-secret" */
    header: headerName.default("x-tracktik-secret"),
  })
  .transform(normalizeSecrets());

const headerToken = z
  .strictObject({
    preset: z.literal("header-token"),
    ...secretFields,
    /** @defaultValue "authorization" */
    header: headerName.default("authorization"),
    /** e.g. `Bearer`: the header must then be `Bearer <token>` (scheme case-insensitive). @defaultValue none */
    scheme: z.string().regex(HEADER_NAME, "expected an authentication scheme such as Bearer").optional(),
  })
  .transform(normalizeSecrets());

const basic = z
  .strictObject({
    preset: z.literal("basic"),
    /** The accepted passwords. */
    ...secretFields,
    username: z
      .string()
      .min(1)
      .refine((name) => !name.includes(":"), "a Basic username can't contain ':'"),
  })
  .transform(normalizeSecrets());

const presets = [tracktile, stripe, github, shopify, slack, hmac, standardWebhooks, tracktik, headerToken, basic] as const;

/** The `verify:` block of a source in the routing table. */
export const verificationSchema = z.discriminatedUnion("preset", presets, {
  error: (issue) => {
    // Only the "no such preset" issue; an invalid block of a known preset reports its own issues.
    const options: unknown = issue.code === "invalid_union" ? issue["options"] : undefined;
    if (!Array.isArray(options)) return undefined;
    const presetNames = options.join(", ");
    const given = (issue.input as { preset?: unknown } | undefined)?.preset;
    return given === undefined
      ? `preset is required; expected one of: ${presetNames}`
      : `unknown preset ${JSON.stringify(given)}; expected one of: ${presetNames}`;
  },
});

/** A validated `verify:` block: defaults applied, header names lower-case, `secrets` non-empty. */
export type VerificationConfig = z.output<typeof verificationSchema>;
/** A `verify:` block as written in YAML. */
export type VerificationConfigInput = z.input<typeof verificationSchema>;
