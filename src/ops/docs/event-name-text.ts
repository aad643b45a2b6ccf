import type { Source } from "../../config/load-routes.js";

const SELECTOR_WORDS: Record<string, string> = { url: "the URL (`/webhooks/{sourceId}/{eventName}`)", hash: "a content hash" };

/** A selector (`url`, `header:x`, `body:a.b`) in words. */
export function selectorText(selector: string): string {
  if (SELECTOR_WORDS[selector]) return SELECTOR_WORDS[selector];
  if (selector.startsWith("header:")) return `the \`${selector.slice("header:".length)}\` header`;
  return `the body's \`${selector.slice("body:".length)}\` field`;
}

/** Where a source's event names come from and how they become the routing key's words. */
export function eventNameText(source: Source): string {
  const where = source.event.type.map(selectorText).join(", else ");
  const strip =
    source.event.stripPrefix.length === 0 ? "" : `, with ${source.event.stripPrefix.map((prefix) => `\`${prefix}\``).join(", ")} stripped`;
  return `The sender's event name, from ${where}${strip}; \`:\` and \`/\` become dots (\`orders/create\` → \`orders.create\`).`;
}
