import { z } from "zod";
import { byteSizeSchema } from "./byte-size.js";
import { durationSchema } from "./duration.js";
import { alertEnvSchema } from "../ops/alerts/alert-env.js";
import { adminPortSchema } from "../ops/admin/admin-env.js";
import { ConfigError, ENVIRONMENT } from "./config-error.js";

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();

// express's `trust proxy`: false, true, a hop count, or a comma-separated list of addresses/subnets.
const trustProxy = z.string().transform((raw): boolean | number | string[] => {
  const value = raw.trim().toLowerCase();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
});

/** Infrastructure settings, read once from the environment (twelve-factor). */
const coreEnvSchema = z.object({
  /** HTTP port for webhooks and health. @defaultValue 8080 */
  PORT: port.default(8080),
  /** Address to listen on. @defaultValue 0.0.0.0 */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** RabbitMQ URL. @defaultValue amqp://guest:guest@127.0.0.1:5672 */
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, "expected an amqp:// or amqps:// URL")
    .default("amqp://guest:guest@127.0.0.1:5672"),
  /** Durable topic exchange that events are published to. @defaultValue events */
  AMQP_EXCHANGE: z.string().min(1).max(255).default("events"),
  /** Folder of routing-table YAML files. @defaultValue ./routes */
  ROUTES_DIR: z.string().min(1).default("./routes"),
  /** Folder for local state (spool, delivery log). @defaultValue ./data */
  DATA_DIR: z.string().min(1).default("./data"),
  /** pino level. @defaultValue info */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `json` (one JSON object a line), `pretty` (for a person), `auto`: pretty when stdout is a terminal. @defaultValue auto */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** express `trust proxy`, so rate limits key on the real client behind a proxy. @defaultValue false */
  TRUST_PROXY: trustProxy.default(false),
  /** Prefix of every queue the workers declare: `{prefix}{routeId}`, `.retry.{n}`, `.busy`, `.dead`. @defaultValue webhook-router. */
  QUEUE_PREFIX: z.string().max(100).default("webhook-router."),
  /** PostgreSQL URL for shared state (dedup) when several worker machines run; SQLite in DATA_DIR when unset. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL")
    .optional(),
  /** How long delivered (route, event id) pairs are remembered for deduplication. @defaultValue 30d */
  DEDUP_RETENTION: durationSchema.default(30 * 86_400_000),
  /**
   * What a delivery claim's lease adds to the attempt's timeouts (enrichment steps + destination):
   * how long after a worker crashed mid-delivery its event waits before another worker takes it
   * over. Too short lets a slow attempt overlap a second one. @defaultValue 30s
   */
  CLAIM_LEASE_MARGIN: durationSchema.default(30_000),
  /** How long a request waits for the broker's confirm before the event goes to the spool. @defaultValue 2000 */
  PUBLISH_TIMEOUT_MS: positiveMs.default(2000),
  // --- ingress under hostile or careless clients ---
  /** How long a request's headers may take to arrive (at most REQUEST_TIMEOUT_MS). @defaultValue 10000 */
  HEADERS_TIMEOUT_MS: positiveMs.default(10_000),
  /** How long a whole request (headers and body) may take to arrive; past it: 408. @defaultValue 30000 */
  REQUEST_TIMEOUT_MS: positiveMs.default(30_000),
  /** Bytes of webhook bodies read but not yet verified, all requests together; past it: 503. @defaultValue 64mb */
  UNVERIFIED_BYTES_MAX: byteSizeSchema.default(64 * 1024 ** 2),
  /** How long shutdown waits for in-flight requests and confirms. @defaultValue 10000 */
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(10_000),
  // --- spool (zero loss at the front door) ---
  /** Largest size of the local spool; past it, ingress answers 503. @defaultValue 1gb */
  SPOOL_MAX_BYTES: byteSizeSchema.default(1024 ** 3),
  /**
   * How long the spool relay waits for the confirm of an event it re-publishes. Longer than
   * PUBLISH_TIMEOUT_MS: no sender waits on it, and a slow broker must still be drained. @defaultValue 30000
   */
  SPOOL_RELAY_TIMEOUT_MS: positiveMs.default(30_000),
  /** Spooled events the relay publishes at a time, their confirms outstanding together. @defaultValue 256 */
  SPOOL_RELAY_WINDOW: z.coerce.number().int().min(1).max(10_000).default(256),
  // --- delivery log and admin API (operations) ---
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
});

/** The core settings plus the failure-email settings, which the alerts module owns. */
export const envSchema = coreEnvSchema.extend({
  ...alertEnvSchema.shape,
  /** How long ingress may be spooling (broker unreachable) before ops get an email. @defaultValue 5m */
  ALERT_SPOOLING_AFTER: durationSchema.default(5 * 60_000),
});

export type Env = Readonly<z.infer<typeof envSchema>>;

export function loadEnv(env: NodeJS.ProcessEnv = process.env): Env {
  return Object.freeze(parseEnv(envSchema, env) as Env);
}

export type EnvKey = keyof Env;

/**
 * Only the named settings, for a command that needs a few: `events` reads DATA_DIR and
 * DATABASE_URL, and a mistake in PORT or SMTP_URL, which it never uses, does not stop it.
 */
export function loadEnvFor<K extends EnvKey>(keys: readonly K[], env: NodeJS.ProcessEnv = process.env): Readonly<Pick<Env, K>> {
  const mask = Object.fromEntries(keys.map((key) => [key, true])) as { [key in EnvKey]?: true };
  return Object.freeze(parseEnv(envSchema.pick(mask), env) as Pick<Env, K>);
}

function parseEnv(schema: z.ZodType, env: NodeJS.ProcessEnv): unknown {
  // An empty variable means "use the default", as in most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        file: ENVIRONMENT,
        path: issue.path.map(String).join("."),
        message: envMessage(issue),
      })),
    );
  }
  return result.data;
}

/**
 * zod's words for a variable, without its preamble: `expected a number`. The value itself is
 * never quoted: it may be a secret.
 */
function envMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return issue.expected === "number" ? "expected a number" : `expected ${issue.expected}`;
  return issue.message.replace(/^Invalid input: /, "");
}

/** The AMQP URL with its password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
}
