import { z } from "zod";
import { byteSizeSchema } from "../config/byte-size.js";
import { portNumber, positiveMs } from "../config/env.js";

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

/** The ingress's settings: where it listens, and its limits under hostile or careless clients. */
export const ingressEnvSchema = z.object({
  /** HTTP port for webhooks and health. @defaultValue 8080 */
  PORT: portNumber.default(8080),
  /** Address to listen on. @defaultValue 0.0.0.0 */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** express `trust proxy`, so rate limits key on the real client behind a proxy. @defaultValue false */
  TRUST_PROXY: trustProxy.default(false),
  /** How long a request's headers may take to arrive (at most REQUEST_TIMEOUT_MS). @defaultValue 10000 */
  HEADERS_TIMEOUT_MS: positiveMs.default(10_000),
  /** How long a whole request (headers and body) may take to arrive; past it: 408. @defaultValue 30000 */
  REQUEST_TIMEOUT_MS: positiveMs.default(30_000),
  /** Bytes of webhook bodies read but not yet verified, all requests together; past it: 503. @defaultValue 64mb */
  UNVERIFIED_BYTES_MAX: byteSizeSchema.default(64 * 1024 ** 2),
  /** Redis that every replica counts the sources' rate limits in; each process counts its own when unset. @defaultValue unset */
  RATE_LIMIT_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^/?#]/, "expected a redis:// or rediss:// URL")
    .optional(),
  /** What the rate limit's Redis keys start with (then the source id). @defaultValue webhook-router:<AMQP_EXCHANGE>:rate-limit: */
  RATE_LIMIT_PREFIX: z.string().min(1).max(200).optional(),
  /** How long a request waits for Redis's count before this process counts alone. @defaultValue 100 */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveMs.max(10_000).default(100),
});

export type IngressEnv = Readonly<z.infer<typeof ingressEnvSchema>>;
