import { z } from "zod";
import { commonFields } from "../common-schema.js";
import { templateProblem } from "../template.js";

/** Publishes the mapped payload to a RabbitMQ exchange (another team's queue, a data lake feed…). */
export const amqpDestinationSchema = z.strictObject({
  kind: z.literal("amqp"),
  /** Declared as a durable topic exchange on connect; `amq.*` names are the broker's own. */
  exchange: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,255}$/, "expected an exchange name of letters, digits, . _ : -")
    .refine((name) => !name.startsWith("amq."), "amq.* exchanges are reserved by the broker"),
  /** May hold `{event.type}`, `{payload.region}`…; values are used as they are (no encoding). */
  routingKey: z.string().superRefine((value, ctx) => {
    const problem = templateProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  /** Another broker; the router's own (AMQP_URL) when absent. */
  url: z
    .string()
    .regex(/^amqps?:\/\//, "expected an amqp:// or amqps:// URL")
    .optional(),
  ...commonFields,
});

export type AmqpDestination = z.infer<typeof amqpDestinationSchema>;
