import type { CloudEvent } from "../contracts/cloud-event.js";

/** What a placeholder can read: `{event.id}`, `{event.data.orderId}`, `{payload.x}`. */
export interface TemplateScope {
  readonly event: CloudEvent;
  readonly payload: unknown;
}

/**
 * A placeholder had no usable value for this event: the mapping's fault, not the target's. The
 * worker dead-letters it as `mapping` at once; nothing was sent.
 */
export class TemplateValueError extends Error {
  override readonly name = "TemplateValueError";
}

export type Template = (scope: TemplateScope) => string;

/** A template split into its own text and its placeholders' paths (`["event", "data", "orderId"]`). */
export type TemplatePart = string | readonly string[];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PATH = /^(event|payload)(\.[A-Za-z0-9_$-]+)*$/;

/**
 * Splits a template into text and placeholders, alternating, text first and last (possibly
 * empty). Throws for a malformed placeholder or a stray brace, so a typo stops the process at start.
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
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
  return parts;
}

/**
 * Compiles a template such as an AMQP routing key `orders.{event.data.region}` once per
 * destination. Each value is passed through `encode`. URLs use compileUrlTemplate, which also
 * keeps values from changing the URL's host or path.
 */
export function compileTemplate(template: string, encode: (value: string) => string = (value) => value): Template {
  const parts = parseTemplate(template);
  return (scope) => parts.map((part) => (typeof part === "string" ? part : encode(valueAt(scope, part)))).join("");
}

/** Problems with a template, for config validation; undefined when it compiles. */
export function templateProblem(template: string): string | undefined {
  return problemOf(() => parseTemplate(template));
}

/** What `compile` throws, as a message for config validation; undefined when it compiles. */
export function problemOf(compile: () => unknown): string | undefined {
  try {
    compile();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The placeholder's value as text; a missing, empty or structured value is a TemplateValueError. */
export function valueAt(scope: TemplateScope, path: readonly string[]): string {
  let value: unknown = scope;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new TemplateValueError(`placeholder {${path.join(".")}} has no string or number value for this event`);
}
