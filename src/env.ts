import type { z } from "zod";
import { brokerEnvSchema } from "./broker/broker-env.js";
import { coreEnvSchema, parseEnv } from "./config/env.js";
import { ingressEnvSchema } from "./ingress/ingress-env.js";
import { opsEnvSchema } from "./ops/ops-env.js";
import { pollEnvSchema } from "./poll/poll-env.js";
import { spoolEnvSchema } from "./spool/spool-env.js";
import { stateEnvSchema } from "./state/state-env.js";
import { workerEnvSchema } from "./worker/worker-env.js";

/**
 * Every setting the process reads from the environment (twelve-factor), put together from the
 * slices each part declares for itself. The README's configuration reference lists them.
 */
export const envSchema = coreEnvSchema.extend({
  ...ingressEnvSchema.shape,
  ...brokerEnvSchema.shape,
  ...spoolEnvSchema.shape,
  ...stateEnvSchema.shape,
  ...workerEnvSchema.shape,
  ...opsEnvSchema.shape,
  ...pollEnvSchema.shape,
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
