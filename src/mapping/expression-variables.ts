import type { ExprNode } from "jsonata";

/**
 * The `$name` variables an expression reads from outside: every variable it references, minus
 * the names it binds itself (`$x := …` or a lambda's parameters — scoping is not tracked, so a
 * name bound anywhere counts as bound). `$` and `$$` (the input) are not variables here.
 */
export function outsideVariables(ast: ExprNode): Set<string> {
  const read = new Set<string>();
  const bound = new Set<string>();
  const seen = new Set<object>();
  // An explicit stack: a deeply nested expression must not overflow while we look at it.
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    const node = value as { type?: unknown; value?: unknown; lhs?: unknown; arguments?: unknown };
    if (node.type === "variable" && typeof node.value === "string" && node.value !== "") read.add(node.value);
    if (node.type === "bind") bindName(node.lhs, bound);
    if (node.type === "lambda" && Array.isArray(node.arguments)) for (const parameter of node.arguments) bindName(parameter, bound);
    for (const child of Object.values(value)) if (child !== null && typeof child === "object") stack.push(child);
  }
  for (const name of bound) read.delete(name);
  return read;
}

function bindName(target: unknown, bound: Set<string>): void {
  const node = target as { type?: unknown; value?: unknown } | undefined;
  if (node?.type === "variable" && typeof node.value === "string") bound.add(node.value);
}

/** True when the expression is exactly `data`: the event's data, unchanged. */
export function isDataItself(ast: ExprNode): boolean {
  const path = ast as unknown as { type: string; steps?: ReadonlyArray<Record<string, unknown>> };
  if (path.type !== "path" || Object.keys(path).some((key) => key !== "type" && key !== "steps")) return false;
  const [step, ...rest] = path.steps ?? [];
  return (
    step !== undefined &&
    rest.length === 0 &&
    step["type"] === "name" &&
    step["value"] === "data" &&
    Object.keys(step).every((key) => key === "type" || key === "value" || key === "position")
  );
}
