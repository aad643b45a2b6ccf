import type { JsonSchema } from "./docs-input.js";
import type { PlacedSchema, SourceBodySchemas } from "./request-body-schemas.js";

/** Where the OpenAPI document keeps a request schema: OpenAPI 3.1's Schema Object is JSON Schema 2020-12, and names another dialect by `$schema`. */
export const openApiPlacement = (key: string) => `#/components/schemas/${key}`;

/**
 * The body schema of a source's webhook URLs. The event name may come from the body, a header or
 * the URL (as the source says), so one schema stands for every event: the default schema when no
 * event has its own; otherwise any of the known ones (each event's own, and the default or, without
 * one, any body for other events). Nothing to say without a schema: `{}`.
 */
export function requestBodySchema(schemas: SourceBodySchemas | undefined): JsonSchema {
  if (schemas === undefined) return {};
  const own = ownSchemas(schemas);
  if (own.length === 0 && schemas.default) return schemas.default.ref;
  return {
    anyOf: [
      ...own.map(([names, placed]) => ({ ...placed.ref, description: `event ${names.map((name) => `\`${name}\``).join(", ")}` })),
      schemas.default ? { ...schemas.default.ref, description: "any other event" } : { description: "any other event: not validated" },
    ],
  };
}

/** The request body's description: which schema each event's body must match. */
export function requestBodyText(schemas: SourceBodySchemas | undefined): string | undefined {
  if (schemas === undefined) return undefined;
  const own = ownSchemas(schemas).map(([names, placed]) => `${names.map((name) => `\`${name}\``).join(", ")}: \`${placed.key}\``);
  const others = schemas.default === undefined ? "not validated" : `\`${schemas.default.key}\``;
  return (
    "Validated against the source's request schema for the event name, after verification (422 `schema_violation` otherwise): " +
    `${own.length === 0 ? "every event" : `${own.join("; ")}; any other event`}: ${others}.`
  );
}

/** Each schema of the source's events other than the default, with the event names it is for. */
function ownSchemas(schemas: SourceBodySchemas): Array<[string[], PlacedSchema]> {
  const byKey = new Map<string, [string[], PlacedSchema]>();
  for (const [name, placed] of schemas.events) {
    if (placed === schemas.default) continue;
    const entry = byKey.get(placed.key) ?? [[], placed];
    entry[0].push(name);
    byKey.set(placed.key, entry);
  }
  return [...byKey.values()];
}
