import type { RequestHandler } from "express";
import { eventFilterSchema, type DeliveryLog } from "../delivery-log/index.js";
import { AdminError } from "./admin-errors.js";
import { parseInput } from "./parse-input.js";

/** `GET /events?source=&type=&status=&route=&since=&until=&id=&limit=`: newest first. */
export function searchRoute(log: DeliveryLog | undefined): RequestHandler {
  return async (request, response) => {
    const filter = parseInput(eventFilterSchema(), request.query);
    const events = await enabled(log).search(filter);
    response.json({ events, count: events.length, limit: filter.limit });
  };
}

/** `GET /events/{id}`: the receipt and every attempt per route. */
export function journeyRoute(log: DeliveryLog | undefined): RequestHandler {
  return async (request, response) => {
    const id = String(request.params.id);
    const journey = await enabled(log).journey(id);
    if (!journey) throw new AdminError("not_found", `no event "${id.slice(0, 255)}" in the delivery log`);
    response.json(journey);
  };
}

function enabled(log: DeliveryLog | undefined): DeliveryLog {
  if (!log)
    throw new AdminError("delivery_log_disabled", "the delivery log is off in this process (DELIVERY_LOG=false, or its store could not be opened)");
  return log;
}
