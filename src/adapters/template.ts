import type { CloudEvent } from "../events/cloud-event.js";

/** What a placeholder can read: `{event.id}`, `{event.data.orderId}`, `{payload.x}`. */
export interface TemplateScope {
  readonly event: CloudEvent;
  readonly payload: unknown;
}

/** A placeholder had no usable value for this event: the mapping's fault, not the target's. */
export class TemplateValueError extends Error {
  override readonly name = "TemplateValueError";
}

export type Template = (scope: TemplateScope) => string;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PATH = /^(event|payload)(\.[A-Za-z0-9_$-]+)*$/;

/**
 * Compiles `https://x/orders/{event.data.orderId}` once per destination. Each value is passed
 * through `encode` (encodeURIComponent for URLs, so a value cannot add path segments or a query).
 * Throws at compile time for a malformed placeholder, so a typo stops the process at start.
 */
export function compileTemplate(template: string, encode: (value: string) => string = (value) => value): Template {
  const parts: Array<string | string[]> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const expression = (match[1] ?? "").trim();
    if (!PATH.test(expression)) {
      throw new Error(`bad placeholder {${match[1]}}: expected {event.…} or {payload.…}, e.g. {event.data.orderId}`);
    }
    parts.push(template.slice(last, match.index), expression.split("."));
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  if (parts.some((part) => typeof part === "string" && /[{}]/.test(part))) {
    throw new Error(`unbalanced brace in template "${template}"`);
  }
  return (scope) =>
    parts.map((part) => (typeof part === "string" ? part : encode(valueAt(scope, part)))).join("");
}

/** Problems with a template, for config validation; undefined when it compiles. */
export function templateProblem(template: string): string | undefined {
  try {
    compileTemplate(template);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function valueAt(scope: TemplateScope, path: string[]): string {
  let value: unknown = scope;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new TemplateValueError(`placeholder {${path.join(".")}} has no string or number value for this event`);
}
