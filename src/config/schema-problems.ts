import type { z } from "zod";
import { closestKey } from "./closest-key.js";
import { isObject, objectKeys, schemaAt, valueAt } from "./schema-keys.js";

/** One problem with a parsed entry, in the operator's words. */
export interface SchemaProblem {
  /** Where the problem is, relative to the validated value (shown as `sources.acme.verify`). */
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Where to point in the file when that is not `path` itself: the misspelt key. */
  readonly at?: readonly PropertyKey[];
}

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into problems a person can act on. zod reports a misspelt key as two issues
 * (`destinaton` unrecognized, `destination` required) and a key indented one level too deep or too
 * shallow as an unrecognized key plus whatever is now missing; each of these is one slip, so it is
 * reported once, with the key the schema knows and the file probably meant.
 */
export function describeSchemaIssues(schema: z.ZodType, value: unknown, issues: readonly Issue[]): SchemaProblem[] {
  const flat = flatten(issues, []);
  const unknown: { parent: PropertyKey[]; key: string }[] = [];
  const missing: { parent: PropertyKey[]; key: string; issue: Issue }[] = [];
  const empty: { parent: PropertyKey[]; key: string; issue: Issue }[] = [];
  const other: Issue[] = [];
  for (const issue of flat) {
    const parent = issue.path.slice(0, -1);
    const key = issue.path.at(-1);
    const holder = valueAt(value, parent);
    if (issue.code === "unrecognized_keys") {
      for (const name of issue.keys) unknown.push({ parent: [...issue.path], key: name });
    } else if (typeof key === "string" && isObject(holder) && !(key in holder) && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
      missing.push({ parent, key, issue });
    } else if (typeof key === "string" && isObject(holder) && holder[key] === null && issue.code === "invalid_type" && issue.expected === "object") {
      empty.push({ parent, key, issue });
    } else {
      other.push(issue);
    }
  }

  const problems: SchemaProblem[] = [];
  const same = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.length === b.length && a.every((part, i) => part === b[i]);

  // A misspelt required key: one problem, at the misspelling.
  for (const gap of [...missing]) {
    const typo = unknown.find((u) => same(u.parent, gap.parent) && closestKey(u.key, [gap.key]) !== undefined);
    if (typo) unknown.splice(unknown.indexOf(typo), 1);
    // zod stops at a missing discriminator (`kind`) before it looks at the other keys.
    const written = typo?.key ?? (gap.issue.code === "invalid_union" ? misspelling(valueAt(value, gap.parent), gap.key) : undefined);
    if (written === undefined) continue;
    problems.push({ path: gap.parent, at: [...gap.parent, written], message: didYouMean(written, gap.key) });
    missing.splice(missing.indexOf(gap), 1);
  }

  // `verify:` left empty with its keys below it at its own level: an indentation slip, said once.
  for (const hole of empty) {
    const siblings = unknown.filter((u) => same(u.parent, hole.parent));
    const orphans = Object.fromEntries(siblings.map((u) => [u.key, (valueAt(value, hole.parent) as Record<string, unknown>)[u.key]]));
    const inner = schemaAt(schema, value, [...hole.parent, hole.key], orphans);
    const keys = inner && objectKeys(inner, orphans);
    const belong = keys ? siblings.filter((u) => keys.includes(u.key)) : [];
    if (belong.length === 0) {
      other.push(hole.issue);
      continue;
    }
    const names = belong.map((u) => `\`${u.key}\``).join(", ");
    problems.push({
      path: [...hole.parent, hole.key],
      message: `\`${hole.key}\` is empty, and ${names} after it ${belong.length === 1 ? "is" : "are"} written at its level: indent ${belong.length === 1 ? "it" : "them"} under \`${hole.key}\``,
    });
    for (const u of belong) unknown.splice(unknown.indexOf(u), 1);
  }

  for (const u of unknown) problems.push(unknownKeyProblem(schema, value, u.parent, u.key));
  for (const gap of missing) problems.push({ path: [...gap.parent, gap.key], message: missingMessage(gap.key, gap.issue) });
  for (const issue of other) problems.push({ path: issue.path, message: plainMessage(issue) });
  return problems;
}

function unknownKeyProblem(schema: z.ZodType, value: unknown, parent: PropertyKey[], key: string): SchemaProblem {
  const at = [...parent, key];
  const here = schemaAt(schema, value, parent);
  const known = here ? (objectKeys(here, valueAt(value, parent)) ?? []) : [];
  const suggestion = closestKey(key, known);
  if (suggestion) return { path: parent, at, message: didYouMean(key, suggestion) };
  // One level too deep: the key belongs to the mapping this one sits in.
  const up = parent.slice(0, -1);
  const owner = parent.at(-1);
  const outer = typeof owner === "string" ? schemaAt(schema, value, up) : undefined;
  if (outer && typeof owner === "string" && (objectKeys(outer, valueAt(value, up)) ?? []).includes(key)) {
    return {
      path: parent,
      at,
      message: `unknown key \`${key}\` in \`${owner}\`: it belongs beside \`${owner}\`, one level up (check its indentation)`,
    };
  }
  const expected = known.length > 0 ? ` (expected one of: ${known.join(", ")})` : "";
  return { path: parent, at, message: `unknown key \`${key}\`${expected}` };
}

function misspelling(holder: unknown, key: string): string | undefined {
  return isObject(holder) ? Object.keys(holder).find((written) => closestKey(written, [key]) !== undefined) : undefined;
}

function didYouMean(written: string, meant: string): string {
  return `unknown key \`${written}\` — did you mean \`${meant}\`?`;
}

function missingMessage(key: string, issue: Issue): string {
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
    return `\`${key}\` is required: one of ${issue.options.map(String).join(", ")}`;
  }
  return `\`${key}\` is required`;
}

/** zod's message without its "Invalid input: " preamble. */
function plainMessage(issue: Issue): string {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.path.length === 0).map(expectedOf)).filter(Boolean);
    if (expected.length > 0) return `expected ${[...new Set(expected)].join(" or ")}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

function expectedOf(issue: Issue): string {
  if (issue.code === "invalid_type") return issue.expected;
  if (issue.code === "invalid_value") return issue.values.map((v) => JSON.stringify(v)).join(" or ");
  return "";
}

/**
 * zod reports a value that matches no member of a union as one issue holding each member's
 * issues. When the value has the shape of exactly one member (an object where the other member
 * is a string or a list), that member's issues are the ones that say what is wrong.
 */
function flatten(issues: readonly Issue[], prefix: readonly PropertyKey[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const fitting = issue.errors.filter(
        (branch) => !branch.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")),
      );
      if (fitting.length > 0) {
        const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
        out.push(...flatten(best, path));
        continue;
      }
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}
