import type { z } from "zod";

/*
 * Reading a zod schema the way a person reads the YAML: which keys the mapping at a path may
 * have. zod 4 exposes its definitions (`_zod.def`), not a walker; this follows the kinds the
 * routing table uses (objects, lists, records, unions told apart by a key, defaults, transforms).
 */

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly values?: readonly unknown[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema that validates the value at `path`, choosing among union members by the value. */
export function schemaAt(schema: z.ZodType, value: unknown, path: readonly PropertyKey[], last?: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; i < path.length && current; i += 1) {
    const here = valueAt(value, path.slice(0, i));
    const node = unwrap(current, here);
    if (!node) return undefined;
    const def = defOf(node);
    const key = path[i]!;
    if (def.type === "object") current = def.shape?.[String(key)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return undefined;
  }
  return current && (last === undefined ? current : (unwrap(current, last) ?? current));
}

/** Through defaults, optionals, transforms and unions, to the object (or list) schema the value meets. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return def.innerType && unwrap(def.innerType, value);
    case "pipe":
      return def.in && unwrap(def.in, value);
    case "lazy":
      return def.getter && unwrap(def.getter(), value);
    case "union": {
      const members = (def.options ?? []).map((option) => unwrap(option, value)).filter((option): option is z.ZodType => option !== undefined);
      if (def.discriminator !== undefined && isObject(value)) {
        const chosen = members.find((member) => discriminates(member, def.discriminator!, value[def.discriminator!]));
        if (chosen) return chosen;
      }
      const wanted = Array.isArray(value) ? "array" : "object";
      return members.find((member) => defOf(member).type === wanted);
    }
    default:
      return schema;
  }
}

function discriminates(member: z.ZodType, key: string, value: unknown): boolean {
  const field = defOf(member).shape?.[key];
  return field !== undefined && (defOf(field).values ?? []).includes(value);
}

export function objectKeys(schema: z.ZodType, value: unknown): string[] | undefined {
  const node = unwrap(schema, value);
  const def = node && defOf(node);
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : undefined;
}

export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
