import { isDeepStrictEqual } from "node:util";

/**
 * The differences between what an example expects and what the mapping produced, one line per
 * path: `Line[0].Amount: expected 62.5, got 60`. Empty when equal.
 */
export function jsonDiff(expected: unknown, actual: unknown, path = ""): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  const where = path || "(root)";
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i += 1) {
      const at = `${path}[${i}]`;
      if (i >= actual.length) lines.push(`${at}: missing (expected ${show(expected[i])})`);
      else if (i >= expected.length) lines.push(`${at}: unexpected ${show(actual[i])}`);
      else lines.push(...jsonDiff(expected[i], actual[i], at));
    }
    return lines;
  }
  if (isObject(expected) && isObject(actual)) {
    const lines: string[] = [];
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in actual)) lines.push(`${at}: missing (expected ${show(expected[key])})`);
      else if (!(key in expected)) lines.push(`${at}: unexpected ${show(actual[key])}`);
      else lines.push(...jsonDiff(expected[key], actual[key], at));
    }
    return lines;
  }
  return [`${where}: expected ${show(expected)}, got ${show(actual)}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
