import { z } from "zod";
import { positiveMs } from "../config/env.js";
import { badBrokerUrls } from "./broker-urls.js";

/** Where the broker is, the exchange events go to, and the names of the route queues. */
export const brokerEnvSchema = z.object({
  /**
   * RabbitMQ URL, or the nodes of one cluster comma-separated (each connection starts at a random
   * one and fails over to the next). @defaultValue amqp://guest:guest@127.0.0.1:5672
   */
  AMQP_URL: z
    .string()
    .refine((value) => badBrokerUrls(value).length === 0, "expected an amqp:// or amqps:// URL, or several separated by commas")
    .default("amqp://guest:guest@127.0.0.1:5672"),
  /** Durable topic exchange that events are published to. @defaultValue events */
  AMQP_EXCHANGE: z.string().min(1).max(255).default("events"),
  /** Prefix of every queue the workers declare: `{prefix}{routeId}`, `.retry.{n}`, `.busy`, `.dead`. @defaultValue webhook-router. */
  QUEUE_PREFIX: z.string().max(100).default("webhook-router."),
  /** How long a request waits for the broker's confirm before the event goes to the spool. @defaultValue 2000 */
  PUBLISH_TIMEOUT_MS: positiveMs.default(2000),
});

export type BrokerEnv = Readonly<z.infer<typeof brokerEnvSchema>>;
