import { z } from "zod";
import { positiveMs } from "../config/env.js";

/** Where the broker is, the exchange events go to, and the names of the route queues. */
export const brokerEnvSchema = z.object({
  /** RabbitMQ URL. @defaultValue amqp://guest:guest@127.0.0.1:5672 */
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, "expected an amqp:// or amqps:// URL")
    .default("amqp://guest:guest@127.0.0.1:5672"),
  /** Durable topic exchange that events are published to. @defaultValue events */
  AMQP_EXCHANGE: z.string().min(1).max(255).default("events"),
  /** Prefix of every queue the workers declare: `{prefix}{routeId}`, `.retry.{n}`, `.busy`, `.dead`. @defaultValue webhook-router. */
  QUEUE_PREFIX: z.string().max(100).default("webhook-router."),
  /** How long a request waits for the broker's confirm before the event goes to the spool. @defaultValue 2000 */
  PUBLISH_TIMEOUT_MS: positiveMs.default(2000),
});

export type BrokerEnv = Readonly<z.infer<typeof brokerEnvSchema>>;
