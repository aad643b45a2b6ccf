import { z } from "zod";
import { commonFields, httpUrl, secret } from "../common-schema.js";
import { limitsField } from "../limits.js";

/** Odoo through JSON-RPC (≤ 18, deprecated in 19) or JSON-2 (19+). */
export const odooDestinationSchema = z
  .strictObject({
    kind: z.literal("odoo"),
    /** The instance's base URL, e.g. `https://erp.example.com`. */
    url: httpUrl,
    /** Required for JSON-RPC; sent as `X-Odoo-Database` with JSON-2 when set. */
    database: z.string().min(1).optional(),
    /** The API user's login; JSON-RPC only (JSON-2 knows the user from the key). */
    login: z.string().min(1).optional(),
    /** An API key of that user (Preferences → Account Security); keys last at most 3 months. */
    apiKey: secret,
    /** @defaultValue "jsonrpc" */
    api: z.enum(["jsonrpc", "json2"]).default("jsonrpc"),
    ...commonFields,
    ...limitsField,
  })
  .superRefine((config, ctx) => {
    if (config.api !== "jsonrpc") return;
    for (const field of ["database", "login"] as const) {
      if (!config[field]) ctx.addIssue({ code: "custom", path: [field], message: `is required with api: jsonrpc` });
    }
  });

export type OdooDestination = z.infer<typeof odooDestinationSchema>;
