/**
 * The source text of the number at `path` in a JSON document, or undefined when there is none.
 *
 * JSON.parse turns `18446744073709551617` and `18446744073709551616` into the same double, and
 * Node 20's reviver cannot see a number's source text, so a selected number is looked up again in
 * the text, digit for digit (`1.0` stays `1.0`, `1e3` stays `1e3`). Only called when the parsed
 * value at `path` is a number: a string id costs nothing. `text` must already be known to parse.
 * Like JSON.parse, the last of duplicate keys wins.
 */
export function rawNumberAt(text: string, path: readonly string[]): string | undefined {
  let at = skipWhitespace(text, 0);
  for (const key of path) {
    const found = text[at] === "{" ? memberStart(text, at, key) : text[at] === "[" ? elementStart(text, at, key) : -1;
    if (found < 0) return undefined;
    at = found;
  }
  const end = scalarEnd(text, at);
  const token = text.slice(at, end);
  return /^-?\d/.test(token) ? token : undefined;
}

/** Where the value of the last member named `key` of the object at `open` starts, or -1. */
function memberStart(text: string, open: number, key: string): number {
  let found = -1;
  let at = skipWhitespace(text, open + 1);
  while (text[at] === '"') {
    const keyEnd = stringEnd(text, at);
    const raw = text.slice(at + 1, keyEnd - 1);
    const name = raw.includes("\\") ? (JSON.parse(text.slice(at, keyEnd)) as string) : raw;
    at = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the ':'
    if (name === key) found = at;
    at = skipWhitespace(text, valueEnd(text, at));
    if (text[at] !== ",") break;
    at = skipWhitespace(text, at + 1);
  }
  return found;
}

/** Where element `key` (a canonical array index) of the array at `open` starts, or -1. */
function elementStart(text: string, open: number, key: string): number {
  if (!/^(0|[1-9]\d*)$/.test(key)) return -1;
  let index = Number(key);
  let at = skipWhitespace(text, open + 1);
  if (text[at] === "]") return -1;
  while (index > 0) {
    at = skipWhitespace(text, valueEnd(text, at));
    if (text[at] !== ",") return -1;
    at = skipWhitespace(text, at + 1);
    index -= 1;
  }
  return at;
}

function valueEnd(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return stringEnd(text, at);
  if (first === "{" || first === "[") return containerEnd(text, at);
  return scalarEnd(text, at);
}

function containerEnd(text: string, open: number): number {
  let depth = 0;
  let at = open;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      at = stringEnd(text, at);
      continue;
    }
    if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
    at += 1;
  }
  return at;
}

/** Index just past the closing quote of the string opening at `open`. */
function stringEnd(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote > 0) {
    // Escaped when preceded by an odd number of backslashes.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/** Numbers, true, false, null: up to the next delimiter. */
function scalarEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && !/[\s,\]}]/.test(text[end]!)) end += 1;
  return end;
}

function skipWhitespace(text: string, at: number): number {
  let end = at;
  while (end < text.length) {
    const char = text.charCodeAt(end);
    if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) break;
    end += 1;
  }
  return end;
}
