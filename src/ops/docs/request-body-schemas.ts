import type { RoutingTable } from "../../config/load-routes.js";
import { isDraft07 } from "../../config/json-schema.js";
import { mapSchema } from "./schema-walk.js";

type SchemaObject = { readonly [keyword: string]: unknown };

/** The JSON Schema dialect a request schema is written in (config/json-schema.ts: 2020-12 unless `$schema` says draft-07). */
export type Dialect = "draft-07" | "2020-12";

/** One request schema as a document carries it: in `components.schemas[key]`, its `$ref`s rewritten to point there. */
export interface PlacedSchema {
  readonly key: string;
  readonly dialect: Dialect;
  /** The schema, `$ref`s pointing into the document; `$id` dropped (the refs are the document's now). */
  readonly schema: SchemaObject;
  /** `{$ref}` to the schema where the document puts it. */
  readonly ref: { readonly $ref: string };
}

/** A source's request schemas in one document: the default one, and each event name's own. */
export interface SourceBodySchemas {
  readonly default?: PlacedSchema;
  readonly events: ReadonlyMap<string, PlacedSchema>;
}

/** Where a document keeps a schema of `key` in `dialect`, as a `#/…` pointer. */
export type Placement = (key: string, dialect: Dialect) => string;

/**
 * The routing table's request schemas (a source's `schema:`, files read in), each placed once in
 * the document by `place`: `{sourceId}` for a source's default schema, `{sourceId}.{eventName}`
 * (the routing key) for an event's own. A file that is both the default and an event's is placed
 * once, as the default. Sources without a schema are absent.
 */
export function requestBodySchemas(table: RoutingTable, place: Placement): Map<string, SourceBodySchemas> {
  const bySource = new Map<string, SourceBodySchemas>();
  for (const source of table.sources.values()) {
    const documents = source.requestSchemas?.documents;
    if (documents === undefined) continue;
    const fallback = documents.default === undefined ? undefined : placed(source.id, documents.default, place);
    const events = new Map<string, PlacedSchema>();
    for (const [name, schema] of Object.entries(documents.events)) {
      events.set(name, schema === documents.default && fallback ? fallback : placed(`${source.id}.${name}`, schema, place));
    }
    bySource.set(source.id, { ...(fallback ? { default: fallback } : {}), events });
  }
  return bySource;
}

/** The schema the body of `eventName` must match: its own, else the source's default. */
export function schemaOfEvent(schemas: SourceBodySchemas | undefined, eventName: string): PlacedSchema | undefined {
  return schemas?.events.get(eventName) ?? schemas?.default;
}

/** Every distinct schema placed: what goes into `components.schemas`. */
export function placedSchemas(bySource: ReadonlyMap<string, SourceBodySchemas>): PlacedSchema[] {
  const all = [...bySource.values()].flatMap((schemas) => [...(schemas.default ? [schemas.default] : []), ...schemas.events.values()]);
  return [...new Map(all.map((schema) => [schema.key, schema])).values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** One schema placed at `key` (its refs rebased there): a request schema, or a sync route's response schema. */
export function placed(key: string, schema: SchemaObject, place: Placement): PlacedSchema {
  const dialect: Dialect = isDraft07(schema) ? "draft-07" : "2020-12";
  const at = place(key, dialect);
  return { key, dialect, schema: rebased(schema, at), ref: { $ref: at } };
}

/**
 * The schema with its own references (`#/$defs/x`, `#`, or its `$id` followed by those) rewritten
 * to `at`, where the document puts it: the parsers read a `$ref` in an embedded schema against the
 * whole document, not against the schema. Its root `$id` is dropped for the same reason. Any other
 * reference is left as written (the validator compiles each schema alone, so there are none
 * to other files; `$anchor` is not among its keywords).
 */
function rebased(schema: SchemaObject, at: string): SchemaObject {
  const { $id, ...rest } = schema;
  const base = typeof $id === "string" ? $id.replace(/#$/, "") : undefined;
  const rebase = (ref: string): string => {
    const local = base !== undefined && (ref === base || ref.startsWith(`${base}#`)) ? ref.slice(base.length) : ref;
    if (local === "" || local === "#") return at;
    return local.startsWith("#/") ? `${at}${local.slice(1)}` : ref;
  };
  return mapSchema(rest, (node) => (typeof node.$ref === "string" ? { ...node, $ref: rebase(node.$ref) } : node));
}
