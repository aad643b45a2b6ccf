import type { Hmac } from "node:crypto";

/** What a `signedContent` template may refer to. */
export type Placeholder = "body" | "timestamp" | "id";
const PLACEHOLDERS: readonly string[] = ["body", "timestamp", "id"] satisfies Placeholder[];

type Part = { readonly literal: Buffer } | { readonly placeholder: Placeholder };

/** A `signedContent` template cut into parts once, so signing never formats strings. */
export interface SignedContent {
  readonly parts: readonly Part[];
  readonly uses: ReadonlySet<Placeholder>;
}

/** The values a request gives the placeholders. Header values are Latin-1, as node:http reads them. */
export interface SignedValues {
  readonly body: Buffer;
  readonly timestamp: string | undefined;
  readonly id: string | undefined;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Parses a template such as `{timestamp}.{body}`.
 * @throws Error on an unknown placeholder or a template without `{body}` (that would sign nothing
 * the sender controls).
 */
export function compileSignedContent(template: string): SignedContent {
  const parts: Part[] = [];
  const uses = new Set<Placeholder>();
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!PLACEHOLDERS.includes(name)) {
      throw new Error(`signedContent has an unknown placeholder {${name}}; known: {body}, {timestamp}, {id}`);
    }
    if (match.index > last) parts.push({ literal: Buffer.from(template.slice(last, match.index)) });
    parts.push({ placeholder: name as Placeholder });
    uses.add(name as Placeholder);
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: Buffer.from(template.slice(last)) });
  if (!uses.has("body")) throw new Error("signedContent must contain {body}");
  return { parts, uses };
}

/** Feeds the signed content to an HMAC piece by piece: the body is never copied. */
export function updateWithSignedContent(hmac: Hmac, content: SignedContent, values: SignedValues): void {
  for (const part of content.parts) {
    if ("literal" in part) hmac.update(part.literal);
    else if (part.placeholder === "body") hmac.update(values.body);
    else hmac.update(values[part.placeholder] ?? "", "latin1");
  }
}
