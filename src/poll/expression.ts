import jsonata from "jsonata";

/** Reads one value out of a JSON document. */
export type Expression = (input: unknown) => Promise<unknown>;

// `products`, `data.items`, `meta.next_token`: read directly, ~100× cheaper than JSONata per item.
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/**
 * Compiles a path (`data.items`), `$` (the document itself) or, for anything else, a JSONata
 * expression. Throws at compile time on a JSONata syntax error, with its position.
 */
export function compileExpression(text: string): Expression {
  const trimmed = text.trim();
  if (trimmed === "$" || trimmed === "$$") return async (input) => input;
  if (PATH.test(trimmed)) {
    const keys = trimmed.split(".");
    return async (input) => {
      let value: unknown = input;
      for (const key of keys) {
        if (typeof value !== "object" || value === null) return undefined;
        value = (value as Record<string, unknown>)[key];
      }
      return value;
    };
  }
  let compiled: ReturnType<typeof jsonata>;
  try {
    compiled = jsonata(trimmed);
  } catch (error) {
    const { message, position } = error as { message: string; position?: number };
    throw new Error(`${message}${position === undefined ? "" : ` (at character ${position})`}`);
  }
  return (input) => compiled.evaluate(input) as Promise<unknown>;
}
