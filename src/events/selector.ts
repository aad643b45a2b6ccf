import type { IncomingHttpHeaders } from "node:http";
import { rawNumberAt } from "./raw-number.js";

/** What selectors may read: the parsed body, the headers, and the event name given in the URL. */
export interface SelectorInput {
  readonly body: unknown;
  /** The body's text, from which a selected number is taken digit for digit. */
  readonly text: string;
  readonly headers: IncomingHttpHeaders;
  readonly urlEventName: string | undefined;
}

/** Returns the selected value as a string, or undefined when that place holds nothing usable. */
export type Selector = (input: SelectorInput) => string | undefined;

/**
 * Compiles `url`, `header:<name>` and `body:<a.b.c>` once at start-up. `hash` selects nothing
 * here: it is the caller's fallback (the event id is hashed from the content).
 */
export function compileSelector(spec: string): Selector {
  if (spec === "url") return (input) => input.urlEventName;
  if (spec === "hash") return () => undefined;
  if (spec.startsWith("header:")) {
    const name = spec.slice("header:".length).toLowerCase();
    return (input) => scalar(firstHeader(input.headers[name]));
  }
  if (spec.startsWith("body:")) {
    const path = spec.slice("body:".length).split(".");
    return (input) => {
      const value = dig(input.body, path);
      // A double cannot tell 18446744073709551617 from …616: a number is read from the text.
      if (typeof value === "number") return rawNumberAt(input.text, path) ?? scalar(value);
      return scalar(value);
    };
  }
  throw new Error(`unknown selector ${JSON.stringify(spec)}`);
}

/** The first selector that yields a value wins. */
export function compileSelectors(specs: readonly string[]): Selector {
  const selectors = specs.map(compileSelector);
  return (input) => {
    for (const select of selectors) {
      const value = select(input);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

// Ids and names may be numbers in a sender's JSON (read from its text above, so this is only a
// fallback for them); objects and empty strings select nothing.
function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}
