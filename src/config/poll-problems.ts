import jsonata from "jsonata";
import type { PollSourceConfig } from "./poll-source-schema.js";

// What src/poll/expression.ts reads as a plain path rather than JSONata.
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/**
 * A polling source's expressions compiled and its URL template filled with sample values, so a
 * JSONata typo or a template that makes no URL stops the start (and `check`) with the file and
 * line, never at the first run an hour later.
 */
export function pollProblems(poll: PollSourceConfig): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const expressions: Array<[PropertyKey[], string | undefined]> = [
    [["items"], poll.items],
    [["event", "id"], poll.event.id],
    [["event", "modified"], poll.event.modified],
    [["event", "nameFrom"], poll.event.nameFrom],
    [["pagination", "next"], poll.pagination.type === "cursor" ? poll.pagination.next : undefined],
  ];
  for (const [path, text] of expressions) {
    if (text === undefined || text.trim() === "$" || PATH.test(text.trim())) continue;
    try {
      jsonata(text);
    } catch (error) {
      const { message, position } = error as { message: string; position?: number };
      problems.push({ path, message: `not a path nor valid JSONata: ${message}${position === undefined ? "" : ` (at character ${position})`}` });
    }
  }
  const sample = poll.request.url.replace(/\{[A-Za-z]+\}/g, "1");
  try {
    new URL(sample);
  } catch {
    problems.push({ path: ["request", "url"], message: "the template does not make a URL once its placeholders are filled" });
  }
  return problems;
}
