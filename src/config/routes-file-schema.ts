import { z } from "zod";
import { destinationSchema } from "../adapters/schema.js";
import { ROUTE_ID, routeSchema } from "./route-schema.js";
import { SOURCE_ID, sourceSchema } from "./source-schema.js";

const DESTINATION_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** One YAML file of the routing table: any of sources, destinations and routes. */
export const routesFileShape = z
  .object({
    sources: z.record(z.string(), z.unknown()).optional(),
    destinations: z.record(z.string(), z.unknown()).optional(),
    routes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type Section = "sources" | "destinations" | "routes";

/**
 * Each entry is validated on its own, so one bad entry is reported precisely and does not hide
 * the problems (or the examples) of its neighbours.
 */
export const sections = {
  sources: { id: SOURCE_ID, idRule: "lower-case letters, digits, - or _ (at most 64)", schema: sourceSchema },
  destinations: { id: DESTINATION_ID, idRule: "lower-case letters, digits, - or _ (at most 64)", schema: destinationSchema },
  routes: { id: ROUTE_ID, idRule: "lower-case letters, digits, - or _ (at most 100)", schema: routeSchema },
} as const;
