import type { RequestHandler } from "express";
import { z } from "zod";
import { BrokerConnectError } from "../../broker/broker-failure.js";
import { DeadLetterRequestError, type DeadLetterRequest, type DeadLetterService } from "../dead-letters/index.js";
import { AdminError } from "./admin-errors.js";
import { parseInput } from "./parse-input.js";

const text = z.string().trim().min(1).max(255);
const filter = { route: text.optional(), id: text.optional(), reason: text.optional() };
const listQuery = z.object({ ...filter, limit: z.coerce.number().int().min(1).max(10_000).optional() }).strict();
const actionBody = z.object({ ...filter, dryRun: z.boolean().default(false) }).strict();

/** `GET /dead-letters?route=&reason=&id=&limit=`: every matching letter; the queue is left as it was. */
export function listDeadLettersRoute(run: DeadLetterService): RequestHandler {
  return async (request, response) => {
    response.json(await answer(run, { action: "list", dryRun: false, ...parseInput(listQuery, request.query) }));
  };
}

/** `POST /dead-letters/replay|purge` with `{route?, id?, reason?, dryRun?}`, as `dlq replay|purge`. */
export function deadLetterActionRoute(run: DeadLetterService, action: "replay" | "purge"): RequestHandler {
  return async (request, response) => {
    response.json(await answer(run, { action, ...parseInput(actionBody, request.body) }));
  };
}

/** The shared service's errors in the admin API's terms: 404/400 for the request, 503 for the broker. */
async function answer(run: DeadLetterService, request: DeadLetterRequest) {
  try {
    return await run(request);
  } catch (error) {
    if (error instanceof DeadLetterRequestError) throw new AdminError(error.code, error.message);
    if (error instanceof BrokerConnectError) throw new AdminError("broker_unavailable", error.message);
    throw error;
  }
}
