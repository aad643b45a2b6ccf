import type { z } from "zod";
import { describeIssues } from "../delivery-log/index.js";
import { AdminError } from "./admin-errors.js";

/** Validates a query string or JSON body; a 400 `invalid_request` naming each problem otherwise. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new AdminError("invalid_request", describeIssues(result.error));
  return result.data;
}
