import { z } from "zod";

const UNITS: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Parses `1048576`, `"512kb"`, `"1 MiB"`, `"2gb"` into bytes; undefined when unreadable. */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = UNITS[(match[2] || "b").toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

/** A positive size in bytes, written as a number or with a unit (b, kb, mb; 1 kb = 1024 b). */
export const byteSizeSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseByteSize(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: "custom", message: `expected a size such as 1048576, "512kb" or "1mb", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
});
