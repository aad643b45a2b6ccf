import { z } from "zod";
import { durationSchema } from "../config/duration.js";
import { adminPortSchema } from "./admin/admin-env.js";
import { alertEnvSchema } from "./alerts/alert-env.js";

/** What operators see: logs, the delivery log, the admin API and failure emails. */
export const opsEnvSchema = z.object({
  /** pino level. @defaultValue info */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `json` (one JSON object a line), `pretty` (for a person), `auto`: pretty when stdout is a terminal. @defaultValue auto */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** Keep every event's journey (receipt, attempts, per-route state) in the state store. @defaultValue true */
  DELIVERY_LOG: z.stringbool().default(true),
  /** How long delivery-log rows are kept; pruned hourly. @defaultValue 14d */
  DELIVERY_LOG_RETENTION: durationSchema.default(14 * 86_400_000),
  /** Also store each CloudEvent body. Off by default: payloads may hold personal data. @defaultValue false */
  DELIVERY_LOG_PAYLOADS: z.stringbool().default(false),
  /** Port of the admin API; `0` picks a free one, `off` disables it. @defaultValue 9090 */
  ADMIN_PORT: adminPortSchema.default(9090),
  /** Address the admin API listens on; anything but loopback requires ADMIN_TOKEN. @defaultValue 127.0.0.1 */
  ADMIN_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Bearer token every admin request must carry (`Authorization: Bearer …`). @defaultValue (none) */
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 32)").optional(),
  ...alertEnvSchema.shape,
  /** How long ingress may be spooling (broker unreachable) before ops get an email. @defaultValue 5m */
  ALERT_SPOOLING_AFTER: durationSchema.default(5 * 60_000),
});

export type OpsEnv = Readonly<z.infer<typeof opsEnvSchema>>;
