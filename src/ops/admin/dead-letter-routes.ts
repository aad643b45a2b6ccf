import type { RequestHandler } from "express";
import { z } from "zod";
import type { DeadLetterService } from "./dead-letter-service.js";
import { parseInput } from "./parse-input.js";

const text = z.string().trim().min(1).max(255);
const filter = { route: text.optional(), id: text.optional(), reason: text.optional() };
const listQuery = z.object({ ...filter, limit: z.coerce.number().int().min(1).max(10_000).optional() }).strict();
const actionBody = z.object({ ...filter, dryRun: z.boolean().default(false) }).strict();

/** `GET /dead-letters?route=&reason=&id=&limit=`: every matching letter; the queue is left as it was. */
export function listDeadLettersRoute(run: DeadLetterService): RequestHandler {
  return async (request, response) => {
    response.json(await run({ action: "list", dryRun: false, ...parseInput(listQuery, request.query) }));
  };
}

/** `POST /dead-letters/replay|purge` with `{route?, id?, reason?, dryRun?}`, as `dlq replay|purge`. */
export function deadLetterActionRoute(run: DeadLetterService, action: "replay" | "purge"): RequestHandler {
  return async (request, response) => {
    response.json(await run({ action, ...parseInput(actionBody, request.body) }));
  };
}
