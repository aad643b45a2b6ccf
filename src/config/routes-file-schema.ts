import { z } from "zod";
import { destinationSchema } from "../adapters/schema.js";
import { ROUTE_ID, routeSchema } from "./route-schema.js";
import { SOURCE_ID, sourceSchema } from "./source-schema.js";

const DESTINATION_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** One YAML file of the routing table: any of sources, destinations and routes. */
export const routesFileSchema = z
  .object({
    sources: z.record(z.string().regex(SOURCE_ID, "a source id is lower-case letters, digits, - or _ (at most 64)"), sourceSchema).optional(),
    destinations: z
      .record(z.string().regex(DESTINATION_ID, "a destination id is lower-case letters, digits, - or _ (at most 64)"), destinationSchema)
      .optional(),
    routes: z.record(z.string().regex(ROUTE_ID, "a route id is lower-case letters, digits, - or _ (at most 100)"), routeSchema).optional(),
  })
  .strict();

export type RoutesFile = z.infer<typeof routesFileSchema>;
