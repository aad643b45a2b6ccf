import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type BodyValidator, compileJsonSchema } from "./json-schema.js";
import { displayName } from "./routes-files.js";

type SchemaObject = Readonly<Record<string, unknown>>;

/** A source's `schema:` as written: a schema for every event and/or one per event name, each inline or `{$ref: file}`. */
export interface RequestSchemaConfig {
  readonly default?: SchemaObject | undefined;
  readonly events?: Readonly<Record<string, SchemaObject>> | undefined;
}

/** A source's request schemas, read and compiled once at start-up. */
export interface RequestSchemas {
  /** The schemas themselves, files read in: for documents and tools that describe the source. */
  readonly documents: { readonly default?: SchemaObject; readonly events: Readonly<Record<string, SchemaObject>> };
  /** The event name's own schema, else the default one; undefined: that event's body is not validated. */
  validatorFor(eventName: string): BodyValidator | undefined;
}

/** A problem with one schema, at `keys` below the source's `schema:` (the `$ref` of a file). */
export interface SchemaProblem {
  readonly keys: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Reads every `{$ref: file}` (relative to the routes file that names it) and compiles every schema.
 * Returns undefined when any is missing or invalid, each problem pushed with where it is written.
 */
export function loadRequestSchemas(config: RequestSchemaConfig, dir: string, problems: SchemaProblem[]): RequestSchemas | undefined {
  // A file named twice (the default and an event, say) is read and compiled once.
  const files = new Map<string, { document: SchemaObject; validate: BodyValidator } | undefined>();
  const count = problems.length;
  const load = (schema: SchemaObject, keys: readonly PropertyKey[]) => {
    const ref = fileRef(schema);
    if (ref === undefined) return compile(schema, keys, "", problems);
    const path = resolve(dir, ref);
    if (!files.has(path)) files.set(path, readSchemaFile(path, [...keys, "$ref"], problems));
    return files.get(path);
  };
  const fallback = config.default === undefined ? undefined : load(config.default, ["default"]);
  const events = new Map<string, { document: SchemaObject; validate: BodyValidator }>();
  for (const [name, schema] of Object.entries(config.events ?? {})) {
    const loaded = load(schema, ["events", name]);
    if (loaded) events.set(name, loaded);
  }
  if (problems.length > count) return undefined;
  const documents = {
    ...(fallback ? { default: fallback.document } : {}),
    events: Object.fromEntries([...events].map(([name, loaded]) => [name, loaded.document])),
  };
  return {
    documents,
    validatorFor: (eventName) => (events.get(eventName) ?? fallback)?.validate,
  };
}

/** `{$ref: "schemas/x.json"}` alone names a file; a `$ref` inside a schema (`#/$defs/…`) is the schema's own. */
function fileRef(schema: SchemaObject): string | undefined {
  const keys = Object.keys(schema);
  const ref = schema.$ref;
  return keys.length === 1 && typeof ref === "string" && !ref.startsWith("#") ? ref : undefined;
}

function readSchemaFile(path: string, keys: readonly PropertyKey[], problems: SchemaProblem[]) {
  const shown = displayName(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    problems.push({ keys, message: `cannot read the schema file ${shown} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    problems.push({ keys, message: `the schema file ${shown} is not JSON (${(error as Error).message.slice(0, 160)})` });
    return undefined;
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    problems.push({ keys, message: `the schema file ${shown} must hold a JSON Schema object` });
    return undefined;
  }
  return compile(document as SchemaObject, keys, ` in ${shown}`, problems);
}

function compile(document: SchemaObject, keys: readonly PropertyKey[], where: string, problems: SchemaProblem[]) {
  try {
    return { document, validate: compileJsonSchema(document) };
  } catch (error) {
    problems.push({ keys, message: `invalid JSON Schema${where}: ${(error as Error).message.slice(0, 300)}` });
    return undefined;
  }
}
