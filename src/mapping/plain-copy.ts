/**
 * What `JSON.parse(JSON.stringify(value))` returns, without the text in between: the mapped
 * payload without JSONata's array flags (`sequence`, `keepSingleton`), detached from the event
 * it was read from. The round trip cost ~30 µs per event on the worker; this copy is a few.
 * JSON's rules are kept: undefined and functions are dropped from objects and become null in
 * arrays, NaN and ±Infinity become null, -0 becomes 0. Anything else JSON would treat specially
 * (toJSON, class instances, bigint, cycles, JSONata functions) takes the round trip itself.
 */
export function plainCopy(value: unknown): unknown {
  try {
    return copy(value);
  } catch (error) {
    if (error !== notPlain) throw error;
    return JSON.parse(JSON.stringify(value));
  }
}

const notPlain = new Error("not plain data");
const MAX_DEPTH = 1000;

function copy(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value + 0 : null;
    case "object": {
      if (value === null) return null;
      if (depth > MAX_DEPTH) throw notPlain;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const item: unknown = value[index];
          out[index] = item === undefined || typeof item === "function" || typeof item === "symbol" ? null : copy(item, depth + 1);
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw notPlain;
      const record = value as Record<string, unknown>;
      if ("toJSON" in record || record["_jsonata_lambda"] === true || record["_jsonata_function"] === true) throw notPlain;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
        if (key === "__proto__")
          Object.defineProperty(out, key, { value: copy(item, depth + 1), enumerable: true, writable: true, configurable: true });
        else out[key] = copy(item, depth + 1);
      }
      return out;
    }
    default:
      // undefined, functions, symbols and bigints at the top: JSON's own answer (or error).
      throw notPlain;
  }
}
