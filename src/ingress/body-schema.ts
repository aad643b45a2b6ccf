import type { RequestSchemas } from "../config/request-schemas.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { SchemaViolationError } from "./http-error.js";

/**
 * Checks a verified, normalized request's body against its source's schema for the event name
 * (the routing key less the source id): the refusal when it does not match, undefined when it
 * does or no schema applies. Only sources with a schema get here; the body is parsed again (the
 * normalizer keeps no parsed copy: a few µs per KiB, paid only where a schema asks for it).
 */
export function bodySchemaRefusal(
  schemas: RequestSchemas,
  sourceId: string,
  event: NormalizedEvent,
  rawBody: Buffer,
): SchemaViolationError | undefined {
  const eventName = event.type.slice(sourceId.length + 1);
  const validate = schemas.validatorFor(eventName);
  if (validate === undefined) return undefined;
  const violations = validate(JSON.parse(rawBody.toString("utf8")));
  return violations.length === 0 ? undefined : new SchemaViolationError(eventName, violations);
}
