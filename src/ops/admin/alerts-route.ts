import type { RequestHandler } from "express";
import { z } from "zod";
import { ALERT_KINDS } from "../alerts/index.js";
import { type DeliveryLog, parseCursor } from "../delivery-log/index.js";
import { AdminError } from "./admin-errors.js";
import { parseInput } from "./parse-input.js";

export const DEFAULT_ALERTS_LIMIT = 50;
export const MAX_ALERTS_LIMIT = 1000;

export const alertsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_ALERTS_LIMIT).default(DEFAULT_ALERTS_LIMIT),
    before: z
      .string()
      .refine((text) => parseCursor(text) !== undefined, "expected the `next` of a previous page")
      .optional(),
    kind: z.enum(ALERT_KINDS).optional(),
  })
  .strict();

/** `GET /alerts?limit=&before=&kind=`: the alerts journal, newest first, a page at a time. */
export function alertsRoute(log: DeliveryLog | undefined): RequestHandler {
  return async (request, response) => {
    const query = parseInput(alertsQuery, request.query);
    if (!log)
      throw new AdminError(
        "delivery_log_disabled",
        "the alerts journal is kept with the delivery log, which is off in this process (DELIVERY_LOG=false, or its store could not be opened)",
      );
    response.json(await log.alerts(query));
  };
}
