import type { PollSource } from "../config/load-routes.js";
import { compileExpression, type Expression } from "./expression.js";
import { createPager, type Pager } from "./pagination.js";
import { createItemReader, type ItemReader } from "./polled-item.js";

/** A polling source with its expressions compiled, once at start (a syntax error stops the start, and `check`). */
export interface CompiledPoll {
  readonly source: PollSource;
  readonly items: Expression;
  readonly pager: Pager;
  readonly readItem: ItemReader;
  readonly origin: string;
}

export function compilePoll(source: PollSource): CompiledPoll {
  const origin = new URL(source.request.url.replace(/\{[^}]*\}/g, "x")).origin;
  return {
    source,
    items: named("items", () => compileExpression(source.items)),
    pager: named("pagination.next", () => createPager(source.pagination, origin)),
    readItem: named("event", () => createItemReader(source.id, source)),
    origin,
  };
}

function named<T>(where: string, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}
