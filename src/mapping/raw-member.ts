/**
 * The exact JSON text of a top-level member of a JSON object — `rawMemberText(body, "data")` on a
 * CloudEvent gives the sender's bytes of `data`, which the ingress spliced in unchanged — or
 * undefined when `json` is not an object or has no such member. A repeated key gives the last
 * one, as JSON.parse does. Whitespace around the value is not part of it.
 *
 * Written for text JSON.parse has already accepted, but it checks what it walks over and gives
 * up (undefined) rather than guess. It never recurses, so no nesting can overflow the stack.
 */
export function rawMemberText(json: string, name: string): string | undefined {
  let at = skipSpace(json, 0);
  if (json.charCodeAt(at) !== OPEN_BRACE) return undefined;
  at = skipSpace(json, at + 1);
  if (json.charCodeAt(at) === CLOSE_BRACE) return undefined;
  let found: string | undefined;
  for (;;) {
    if (json.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = stringEnd(json, at);
    if (keyEnd < 0) return undefined;
    const matches = keyMatches(json.slice(at, keyEnd), name);
    at = skipSpace(json, keyEnd);
    if (json.charCodeAt(at) !== COLON) return undefined;
    const start = skipSpace(json, at + 1);
    const end = valueEnd(json, start);
    if (end < 0) return undefined;
    if (matches) found = json.slice(start, end);
    at = skipSpace(json, end);
    const next = json.charCodeAt(at);
    if (next === CLOSE_BRACE) return found;
    if (next !== COMMA) return undefined;
    at = skipSpace(json, at + 1);
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

function keyMatches(quoted: string, name: string): boolean {
  // Most keys have no escapes; one written with them (`"d\u0061ta"`) is decoded to compare.
  if (!quoted.includes("\\")) return quoted.length === name.length + 2 && quoted.slice(1, -1) === name;
  try {
    return JSON.parse(quoted) === name;
  } catch {
    return false;
  }
}

function skipSpace(json: string, at: number): number {
  for (;;) {
    const code = json.charCodeAt(at);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at += 1;
  }
}

/** The index just past the string starting at `at` (its opening quote), or -1. */
function stringEnd(json: string, at: number): number {
  for (let index = at + 1; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (code === BACKSLASH) index += 1;
    else if (code === QUOTE) return index + 1;
  }
  return -1;
}

/** The index just past the value starting at `at`, or -1. Nesting is counted, not recursed into. */
function valueEnd(json: string, at: number): number {
  const first = json.charCodeAt(at);
  if (first === QUOTE) return stringEnd(json, at);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: runs until a delimiter.
    let index = at;
    while (index < json.length && !isDelimiter(json.charCodeAt(index))) index += 1;
    return index > at ? index : -1;
  }
  const closers: number[] = [];
  for (let index = at; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (code === QUOTE) {
      index = stringEnd(json, index) - 1;
      if (index < 0) return -1;
    } else if (code === OPEN_BRACE) {
      closers.push(CLOSE_BRACE);
    } else if (code === OPEN_BRACKET) {
      closers.push(CLOSE_BRACKET);
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (closers.pop() !== code) return -1;
      if (closers.length === 0) return index + 1;
    }
  }
  return -1;
}

function isDelimiter(code: number): boolean {
  return code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
