import { createHash } from "node:crypto";

/**
 * The fingerprint of a record's field values: the hex SHA-256 of their canonical JSON. Two
 * systems report the same values in different shapes, so what could differ without the values
 * differing does not count:
 * - object keys in any order (they are sorted);
 * - a member that is null and one that is absent (dropped alike: one API omits an empty field,
 *   another sends it as null); a field with no value at all is null;
 * - number formatting: `12.50`, `12.5` and `1.25e1` are one double once parsed; `-0` is `0`.
 * A number and a string of its digits stay different (`"12.5"` is not `12.5`): convert in the
 * field's expression (`$number(price)`) where a system sends numbers as text.
 */
export function fingerprint(values: readonly unknown[]): string {
  return createHash("sha256").update(canonicalJson(values)).digest("hex");
}

/** JSON with sorted keys, without null or undefined members; undefined elsewhere is null. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    // Infinity and NaN cannot come from JSON; JSON.stringify writes them as null too.
    return Object.is(value, -0) ? "0" : JSON.stringify(value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const members = Object.keys(value)
      .filter((key) => {
        const member = (value as Record<string, unknown>)[key];
        return member !== null && member !== undefined;
      })
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(",")}}`;
  }
  // A function or a symbol (a JSONata lambda as a field's value): not data, so no value.
  return "null";
}
