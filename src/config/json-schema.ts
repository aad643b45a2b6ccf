import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as formats from "ajv-formats";

// ajv-formats is CommonJS whose module.exports is the plugin: its ESM default under node.
const addFormats = formats.default as unknown as (typeof formats)["default"]["default"];

/** One place where a body does not match its schema: a JSON Pointer (RFC 6901) into the body, and what is wrong. */
export interface Violation {
  readonly pointer: string;
  readonly message: string;
}

/** A compiled schema: every violation of a parsed body, none when it matches. */
export type BodyValidator = (body: unknown) => readonly Violation[];

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

/** Whether a schema's `$schema` names draft-07; any other schema is read as draft 2020-12. */
export function isDraft07(schema: object): boolean {
  return DRAFT_07.test(String((schema as { $schema?: unknown }).$schema ?? ""));
}
/** The longest pointer reported: a key comes from the sender, and an answer stays small. */
const MAX_POINTER = 200;

/**
 * Compiles a JSON Schema (draft 2020-12, or draft-07 where its `$schema` says so) with the formats
 * of ajv-formats. Strict: an unknown keyword or format is an error here, at start-up, like a
 * misspelt key in the routing table, never a schema that silently accepts everything. Throws
 * Ajv's error for a schema that is not valid. `allErrors` lists every violation, not the first:
 * its cost on hostile input is bounded by the body limit, and only verified senders reach it.
 */
export function compileJsonSchema(schema: object): BodyValidator {
  const options = { allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false } as const;
  const dialect = isDraft07(schema) ? new Ajv(options) : new Ajv2020(options);
  addFormats(dialect);
  const validate: ValidateFunction = dialect.compile(schema);
  return (body) => (validate(body) ? [] : (validate.errors ?? []).map(violationOf));
}

/**
 * Where a violation is: `required` and `additionalProperties` point at the property itself (Ajv
 * points at its parent), so each violation of one object has its own pointer. The message is
 * Ajv's own, which names schema terms and never the body's values.
 */
function violationOf(error: ErrorObject): Violation {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const key = params.missingProperty ?? params.additionalProperty;
  const pointer = key === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(key)}`;
  const message = error.keyword === "additionalProperties" ? "is not allowed (additionalProperties)" : (error.message ?? error.keyword);
  return { pointer: clip(pointer), message: key !== undefined && error.keyword === "required" ? "is required" : message };
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function clip(text: string): string {
  return text.length > MAX_POINTER ? `${text.slice(0, MAX_POINTER - 1)}…` : text;
}
