import { z } from "zod";
import { amqpDestinationSchema } from "./amqp/schema.js";
import { httpDestinationSchema } from "./http/schema.js";
import { odooDestinationSchema } from "./odoo/schema.js";
import { quickbooksDestinationSchema } from "./quickbooks/schema.js";
import { shipbobDestinationSchema } from "./shipbob/schema.js";
import { tracktikDestinationSchema } from "./tracktik/schema.js";
import { tracktileDestinationSchema } from "./tracktile/schema.js";
import { trackviaDestinationSchema } from "./trackvia/schema.js";

/**
 * One destination from the routes YAML, told apart by `kind`. Each adapter folder owns its schema;
 * secrets arrive already interpolated from `${VAR}`.
 */
export const destinationSchema = z.discriminatedUnion("kind", [
  httpDestinationSchema,
  odooDestinationSchema,
  quickbooksDestinationSchema,
  shipbobDestinationSchema,
  amqpDestinationSchema,
  trackviaDestinationSchema,
  tracktikDestinationSchema,
  tracktileDestinationSchema,
]);

export type DestinationConfig = z.infer<typeof destinationSchema>;
export type DestinationKind = DestinationConfig["kind"];
