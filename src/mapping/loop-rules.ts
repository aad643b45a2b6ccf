import type { CloudEvent } from "../contracts/cloud-event.js";
import { MappingError } from "./apply-route.js";
import type { CompiledLoopRules, CompiledRecordRule } from "./compile-loop-rules.js";
import { fingerprint } from "./fingerprint.js";
import { plainCopy } from "./plain-copy.js";

/** One record of one system, and the fingerprint of the field values written to it or reported by it. */
export interface RecordMark {
  readonly system: string;
  readonly entity: string;
  readonly id: string;
  readonly fingerprint: string;
}

type Enrichment = Readonly<Record<string, unknown>>;

/**
 * Who made the change, when it is one of the integration's own users (`skipAuthoredBy`);
 * undefined otherwise, and when the field has no value.
 */
export async function integrationAuthor(rules: CompiledLoopRules, event: CloudEvent, enrichment: Enrichment): Promise<string | undefined> {
  if (!rules.authoredBy) return undefined;
  const author = await evaluate(rules.authoredBy.field, event, enrichment, "skipAuthoredBy.field");
  if (author === undefined || author === null || typeof author === "object") return undefined;
  const text = String(author);
  return rules.authoredBy.users.has(text) ? text : undefined;
}

/** The record the event reports and the fingerprint of its values (`echo`), or undefined without an echo rule. */
export async function reportedRecord(rules: CompiledLoopRules, event: CloudEvent, enrichment: Enrichment): Promise<RecordMark | undefined> {
  if (!rules.echo) return undefined;
  return mark(rules.echo, "echo", event, enrichment);
}

/**
 * The record a delivery writes and the fingerprint of the values it writes (`remember`), worked
 * out before the call: an expression that fails dead-letters the event without writing anything.
 */
export async function writtenRecord(
  rules: CompiledLoopRules,
  payload: unknown,
  event: CloudEvent,
  enrichment: Enrichment,
): Promise<RecordMark | undefined> {
  if (!rules.remember) return undefined;
  return mark(rules.remember, "remember", payload, { ...enrichment, event });
}

async function mark(rule: CompiledRecordRule, key: "echo" | "remember", input: unknown, bindings: Enrichment): Promise<RecordMark> {
  const id = await evaluate(rule.id, input, bindings, `${key}.id`);
  if ((typeof id !== "string" && typeof id !== "number") || String(id) === "") {
    throw new MappingError(
      `${key}.id produced ${id === undefined ? "nothing" : JSON.stringify(id)} for this event: expected the record's id (text or a number)`,
    );
  }
  const values = await Promise.all(rule.fields.map((field, index) => evaluate(field, input, bindings, `${key}.fields[${index}]`)));
  return { system: rule.system, entity: rule.entity, id: String(id), fingerprint: fingerprint(values.map(detach)) };
}

async function evaluate(expression: CompiledRecordRule["id"], input: unknown, bindings: Enrichment, what: string): Promise<unknown> {
  try {
    return await expression.evaluate(input, { ...bindings });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new MappingError(`${what} failed${code ? ` (${code})` : ""}: ${message}`);
  }
}

/** JSONata's arrays carry extra properties; the fingerprint is of plain data. */
function detach(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return plainCopy(value);
  } catch (error) {
    throw new MappingError(`a field's value cannot be fingerprinted: ${(error as Error).message}`);
  }
}
