import { z } from "zod";
import { ConfigError, ENVIRONMENT } from "./config-error.js";

/** A TCP port; 0 lets the system pick one. */
export const portNumber = z.coerce.number().int().min(0).max(65535);
/** A whole positive number of milliseconds. */
export const positiveMs = z.coerce.number().int().positive();

/** The settings every part shares: where the routing table and local state are, and how long shutdown waits. */
export const coreEnvSchema = z.object({
  /** Folder of routing-table YAML files. @defaultValue ./routes */
  ROUTES_DIR: z.string().min(1).default("./routes"),
  /** Folder for local state (spool, delivery log). @defaultValue ./data */
  DATA_DIR: z.string().min(1).default("./data"),
  /** How long shutdown waits for in-flight requests and confirms. @defaultValue 10000 */
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(10_000),
});

export type CoreEnv = Readonly<z.infer<typeof coreEnvSchema>>;

/**
 * Parses the environment against `schema` (each part owns its slice; src/env.ts puts them
 * together), or throws a ConfigError naming every variable that is wrong.
 */
export function parseEnv(schema: z.ZodType, env: NodeJS.ProcessEnv): unknown {
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

/**
 * The URL with its password replaced, for logs and errors. A comma-separated list of URLs
 * (AMQP_URL naming several nodes) has each one's password replaced.
 */
export function redactUrl(url: string): string {
  return url
    .split(/(,\s*)(?=[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((part) => part.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@"))
    .join("");
}
