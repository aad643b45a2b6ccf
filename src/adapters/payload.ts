import type { z } from "zod";
import { DeliveryError } from "./port.js";

/**
 * Checks the mapping's output against the shape an adapter expects. A mismatch is permanent:
 * the same event mapped again gives the same wrong shape.
 */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.output<T> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`)
    .join("; ");
  throw new DeliveryError(
    "permanent",
    `${what}: the mapping's output is not the expected payload (${issues}) — permanent, fix the route's mapping, then replay the dead-lettered event`,
  );
}
