type Node = { readonly [keyword: string]: unknown };

/** Keywords whose value is one subschema (draft-07 and 2020-12 together). */
const ONE = [
  "additionalProperties",
  "additionalItems",
  "unevaluatedProperties",
  "unevaluatedItems",
  "items",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
];
/** Keywords whose value is a list of subschemas (`items` too, in draft-07's tuple form). */
const LIST = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/** Keywords whose value maps names to subschemas (`dependencies` also holds property lists: left as they are). */
const MAP = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const pointerKey = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * A copy of a JSON Schema with `visit` applied to every schema object in it, the root first, each
 * with its JSON Pointer from the root. Only keywords that hold subschemas are entered, so a
 * property named `$ref` or a `const` value shaped like a schema is never taken for one.
 */
export function mapSchema(schema: Node, visit: (node: Node, pointer: string) => Node): Node {
  const walk = (node: Node, pointer: string): Node => {
    const visited: Record<string, unknown> = { ...visit(node, pointer) };
    for (const keyword of ONE) {
      if (isNode(visited[keyword])) visited[keyword] = walk(visited[keyword], `${pointer}/${keyword}`);
    }
    for (const keyword of LIST) {
      const list = visited[keyword];
      if (Array.isArray(list)) visited[keyword] = list.map((item, index) => (isNode(item) ? walk(item, `${pointer}/${keyword}/${index}`) : item));
    }
    for (const keyword of MAP) {
      const map = visited[keyword];
      if (!isNode(map)) continue;
      visited[keyword] = Object.fromEntries(
        Object.entries(map).map(([name, item]) => [name, isNode(item) ? walk(item, `${pointer}/${keyword}/${pointerKey(name)}`) : item]),
      );
    }
    return visited;
  };
  return walk(schema, "");
}
