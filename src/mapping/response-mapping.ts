import jsonata from "jsonata";
import type { ConfigProblem } from "../config/config-error.js";
import type { Route } from "../config/load-routes.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import { plainCopy } from "./plain-copy.js";

/** The destination's answer does not fit the response mapping or schema: the caller gets a 502. */
export class ResponseMappingError extends Error {
  override readonly name = "ResponseMappingError";
}

/** A sync route's answer to its caller: the destination's answer mapped, then checked against the response schema. */
export interface ResponseMapping {
  /** The caller's answer; throws a ResponseMappingError when the mapping fails or its result breaks the schema. */
  answer(response: unknown, status: number | undefined, event: CloudEvent): Promise<unknown>;
}

/** Compiled once at start-up; undefined (a problem pushed) for a syntax error. */
export function compileResponseMapping(route: Route, problems: ConfigProblem[]): ResponseMapping | undefined {
  const source = route.response?.mapping ?? "$";
  let expression: ReturnType<typeof jsonata>;
  try {
    expression = jsonata(source);
  } catch (error) {
    problems.push({ file: route.file, path: `routes.${route.id}.response.mapping`, message: `JSONata error: ${(error as Error).message}` });
    return undefined;
  }
  const validate = route.responseSchemas?.validatorFor("");
  const identity = source.trim() === "$";
  return {
    async answer(response, status, event) {
      let mapped: unknown;
      try {
        mapped = identity ? response : await expression.evaluate(response ?? null, { event, status });
      } catch (error) {
        throw new ResponseMappingError(`the response mapping failed: ${(error as Error).message}`);
      }
      if (mapped === undefined) throw new ResponseMappingError("the response mapping produced nothing (undefined) for this answer");
      const plain = plainCopy(mapped);
      const violations = validate?.(plain) ?? [];
      if (violations.length > 0) {
        const listed = violations.slice(0, 5).map((v) => `${v.pointer || "/"} ${v.message}`);
        throw new ResponseMappingError(`the mapped answer does not match the response schema: ${listed.join("; ")}`);
      }
      return plain;
    },
  };
}
