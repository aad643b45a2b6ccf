import { cloudEventSchema } from "./cloud-event-schema.js";
import type { JsonSchema } from "./docs-input.js";
import type { Dialect, PlacedSchema } from "./request-body-schemas.js";

/**
 * The Multi Format Schema Object format of a JSON Schema 2020-12. AsyncAPI 3.0's format table names
 * JSON Schema draft-07 only (`application/schema+json;version=draft-07`) but leaves the format open;
 * this follows its spelling. @asyncapi/parser passes a format it has no parser for through unread,
 * without a diagnostic, and its own Schema Object (the default format) is draft-07's superset, so a
 * 2020-12 schema is declared as what it is rather than read as draft-07.
 */
export const JSON_SCHEMA_2020_12 = "application/schema+json;version=2020-12";
const DIALECT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
/** The envelope again, in the 2020-12 format: a schema may only reference schemas of its own format. */
const ENVELOPE_2020_12 = "CloudEvent.2020-12";

/** Where the AsyncAPI document keeps a request schema: a draft-07 one as a Schema Object, a 2020-12 one inside a Multi Format Schema Object. */
export const asyncApiPlacement = (key: string, dialect: Dialect) => `#/components/schemas/${key}${dialect === "2020-12" ? "/schema" : ""}`;

/** `components.schemas`: the envelope, and each request schema once. */
export function asyncApiSchemas(placed: readonly PlacedSchema[]) {
  const schemas: { CloudEvent: typeof cloudEventSchema } & Record<string, object> = { CloudEvent: cloudEventSchema };
  if (placed.some((schema) => schema.dialect === "2020-12")) {
    schemas[ENVELOPE_2020_12] = { schemaFormat: JSON_SCHEMA_2020_12, schema: { $schema: DIALECT_2020_12, ...cloudEventSchema } };
  }
  for (const { key, dialect, schema } of placed) schemas[key] = dialect === "2020-12" ? { schemaFormat: JSON_SCHEMA_2020_12, schema } : schema;
  return schemas;
}

/**
 * The envelope narrowed to one channel: its `type`, its source, and its `data` where a request
 * schema applies. With a 2020-12 schema the whole payload is a Multi Format Schema Object of that
 * format; otherwise it is AsyncAPI's own Schema Object (a draft-07 schema is one already).
 */
export function channelPayload(
  sourceId: string,
  type: { const: string } | { pattern: string },
  data: PlacedSchema | undefined,
  /** The CloudEvents `source` prefix: `/polls` for a polling source's events. */
  path = "/webhooks",
): JsonSchema {
  const narrowed = {
    type: "object",
    properties: {
      type: { type: "string", ...type },
      source: { type: "string", const: `${path}/${sourceId}` },
      ...(data === undefined ? {} : { data: data.ref }),
    },
  };
  if (data?.dialect !== "2020-12") return { allOf: [{ $ref: "#/components/schemas/CloudEvent" }, narrowed] };
  return {
    schemaFormat: JSON_SCHEMA_2020_12,
    schema: { $schema: DIALECT_2020_12, allOf: [{ $ref: `#/components/schemas/${ENVELOPE_2020_12}/schema` }, narrowed] },
  };
}
