import type { ExprNode } from "jsonata";

/**
 * A synchronous stand-in for a JSONata expression, or undefined when the expression uses
 * anything outside the subset below. jsonata 2 evaluates every AST node through an async
 * function (a promise and several microtasks per node): on the worker's hot path that was a
 * third of the CPU per event. This evaluator is a line-by-line port of jsonata 2.2's own
 * evaluation of a small subset — paths of names, literals, object and array constructors,
 * blocks and `:=`, variables, `$lookup`, `$substring`, arithmetic, comparisons, `=`, `in`, `&`,
 * `and`/`or`, `? :` — keeping its sequences (arrays flagged `sequence`, collapsed to a singleton
 * or undefined on the way out of each node) so paths flatten exactly as jsonata does.
 *
 * Anything it is not sure of at run time (an error jsonata would raise, a value of an
 * unexpected kind, a variable it does not know) makes it give up with `BAIL`; the caller then
 * runs jsonata itself, which gives the real answer or the real error. The expressions have no
 * side effects, so evaluating twice is harmless. test/unit/worker/fast-expression.test.ts
 * compares both on every shipped route and on generated events.
 */
export type FastExpression = (input: unknown, bindings: Readonly<Record<string, unknown>>) => unknown;

/**
 * The jsonata release this port was checked against (test/unit/worker/fast-expression.test.ts runs
 * both on every shipped route). package.json pins jsonata to exactly this version, and a test fails
 * when the installed one differs: a new jsonata must be re-checked against the port, then this
 * constant and the pin moved together.
 */
export const CHECKED_AGAINST_JSONATA = "2.2.2";

/** Returned (never thrown into user code) when the fast path cannot answer; see above. */
export const BAIL: unique symbol = Symbol("bail");

class Bail {}
const bail = new Bail();

/** jsonata's AST as its parser makes it (its own typings leave out `path`, `bind` and more). */
interface Node {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly Node[];
  readonly expressions?: readonly Node[];
  readonly arguments?: readonly Node[];
  readonly procedure?: Node;
  readonly expression?: Node;
  readonly lhs?: Node | readonly (readonly [Node, Node])[];
  readonly rhs?: Node;
  readonly condition?: Node;
  readonly then?: Node;
  readonly else?: Node;
}

type Sequence = unknown[] & { sequence?: boolean; keepSingleton?: boolean; cons?: boolean };
type Eval = (input: unknown, scope: Scope) => unknown;

interface Scope {
  readonly vars: Record<string, unknown>;
  readonly parent: Scope | undefined;
}

/** Built-in functions the subset inlines; a binding of the same name would shadow them. */
const BUILT_INS = ["lookup", "substring"] as const;

export function compileFast(ast: ExprNode): FastExpression | undefined {
  let body: Eval;
  try {
    if (bindsBuiltIn(ast)) return undefined;
    body = compileNode(ast as unknown as Node);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return (input, bindings) => {
    // jsonata wraps an array input (outerWrapper) and reads functions from its static frame:
    // neither is worth porting for events, which are objects.
    if (Array.isArray(input)) return BAIL;
    for (const name of BUILT_INS) if (Object.hasOwn(bindings, name)) return BAIL;
    const vars: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(bindings)) vars[key] = bindings[key];
    vars["$"] = input;
    try {
      return body(input, { vars, parent: undefined });
    } catch {
      // A bail, or anything unforeseen (a stack overflow on absurdly nested data): jsonata decides.
      return BAIL;
    }
  };
}

class Unsupported extends Error {}

/** Each node type's keys this port knows; any other key (predicates, stages, grouping…) is not compiled. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  path: ["type", "steps", "position"],
  name: ["type", "value", "position"],
  string: ["type", "value", "position"],
  number: ["type", "value", "position"],
  value: ["type", "value", "position"],
  variable: ["type", "value", "position"],
  binary: ["type", "value", "position", "lhs", "rhs"],
  unary: ["type", "value", "position", "expression", "expressions", "lhs"],
  block: ["type", "expressions", "position"],
  bind: ["type", "value", "position", "lhs", "rhs"],
  condition: ["type", "position", "condition", "then", "else"],
  function: ["type", "value", "position", "arguments", "procedure", "name"],
};

function compileNode(node: Node): Eval {
  const known = KNOWN_KEYS[node.type];
  if (!known || Object.keys(node).some((key) => !known.includes(key))) throw new Unsupported(node.type);
  const inner = compileInner(node);
  // evaluate()'s last step in jsonata: a sequence leaves a node as undefined, its single item, or
  // itself. Only paths, names, variables and functions can yield a sequence here; the other nodes
  // build numbers, strings, booleans, objects and plain arrays, or pass on a finished value.
  if (!YIELDS_SEQUENCES.has(node.type)) return inner;
  return (input, scope) => finish(inner(input, scope));
}

const YIELDS_SEQUENCES = new Set(["path", "name", "variable", "function"]);

function compileInner(node: Node): Eval {
  switch (node.type) {
    case "path":
      return compilePath(node);
    case "name": {
      const key = String(node.value);
      return (input) => lookup(input, key);
    }
    case "string":
    case "number":
    case "value": {
      const value: unknown = node.value;
      return () => value;
    }
    case "variable":
      return compileVariable(String(node.value));
    case "binary":
      return compileBinary(node);
    case "unary":
      return compileUnary(node);
    case "block": {
      const expressions = (node.expressions ?? []).map(compileNode);
      return (input, scope) => {
        const frame: Scope = { vars: Object.create(null) as Record<string, unknown>, parent: scope };
        let result: unknown;
        for (const expression of expressions) result = expression(input, frame);
        return result;
      };
    }
    case "bind": {
      const target = node.lhs;
      if (!target || Array.isArray(target) || (target as Node).type !== "variable") throw new Unsupported("bind");
      const name = String((target as Node).value);
      const rhs = compileNode(node.rhs!);
      return (input, scope) => {
        const value = rhs(input, scope);
        scope.vars[name] = value;
        return value;
      };
    }
    case "condition": {
      const { condition, then, else: otherwise } = node;
      if (!condition || !then) throw new Unsupported("condition");
      const test = compileNode(condition);
      const yes = compileNode(then);
      const no = otherwise === undefined ? undefined : compileNode(otherwise);
      return (input, scope) => (toBoolean(test(input, scope)) ? yes(input, scope) : no?.(input, scope));
    }
    case "function":
      return compileFunction(node);
    default:
      throw new Unsupported(node.type);
  }
}

function compilePath(node: Node): Eval {
  const steps = node.steps ?? [];
  if (steps.length === 0) throw new Unsupported("empty path");
  steps.forEach((step, index) => {
    // A variable is only an absolute start; `.{…}` and `.[…]` only after it (the latter is `consarray`).
    const allowed = step.type === "name" || (step.type === "variable" && index === 0) || (step.type === "unary" && step.value === "{");
    if (!allowed) throw new Unsupported(`path step ${step.type}`);
  });
  const compiled = steps.map(compileNode);
  const absolute = steps[0]!.type === "variable";
  const last = compiled.length - 1;
  const general: Eval = (input, scope) => {
    // evaluatePath: an array input is iterated, anything else is a one-item sequence.
    let inputSequence: unknown[] = Array.isArray(input) && !absolute ? input : sequenceOf(input);
    let resultSequence: unknown[] = inputSequence;
    for (let index = 0; index <= last; index += 1) {
      resultSequence = evaluateStep(compiled[index]!, inputSequence, scope, index === last);
      if (resultSequence.length === 0) break;
      inputSequence = resultSequence;
    }
    return resultSequence;
  };
  const names = steps.slice(absolute ? 1 : 0);
  if (!names.every((step) => step.type === "name")) return general;
  return compileNameChain(
    names.map((step) => String(step.value)),
    absolute ? compiled[0]! : undefined,
    general,
  );
}

/**
 * `a.b.c` (or `$x.b.c`) while every value on the way is an object, not an array: each step is
 * then a one-item sequence, so the path is plain property reads — the common case, without the
 * sequences. An array on the way (flattening) or a sequence at the end goes the general way.
 */
function compileNameChain(keys: readonly string[], start: Eval | undefined, general: Eval): Eval {
  return (input, scope) => {
    let value = start ? start(input, scope) : input;
    for (const key of keys) {
      if (Array.isArray(value)) return general(input, scope);
      if (value === null || typeof value !== "object") {
        if (typeof value === "function") throw bail;
        return undefined;
      }
      if (isFunction(value)) throw bail;
      if (!Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    if (value === undefined) return undefined;
    if (isFunction(value)) throw bail;
    if (isSequence(value)) return general(input, scope);
    return value;
  };
}

/** jsonata's evaluateStep without sort or stages. */
function evaluateStep(step: Eval, input: readonly unknown[], scope: Scope, lastStep: boolean): unknown[] {
  const result = sequence();
  for (const item of input) {
    const value = step(item, scope);
    if (value !== undefined) result.push(value);
  }
  if (lastStep && result.length === 1 && Array.isArray(result[0]) && !isSequence(result[0])) return result[0] as unknown[];
  const flattened = sequence();
  for (const value of result) {
    if (!Array.isArray(value) || (value as Sequence).cons) flattened.push(value);
    // forEach, as jsonata does: it skips the holes of a sparse array.
    else value.forEach((item) => flattened.push(item));
  }
  return flattened;
}

function compileVariable(name: string): Eval {
  if (name === "") return (input) => input;
  return (_input, scope) => {
    for (let frame: Scope | undefined = scope; frame; frame = frame.parent) {
      if (Object.hasOwn(frame.vars, name)) return frame.vars[name];
    }
    // Not bound here: one of jsonata's functions, or undefined. Let jsonata say which.
    throw bail;
  };
}

function compileUnary(node: Node): Eval {
  switch (node.value) {
    case "-": {
      if (!node.expression) throw new Unsupported("unary -");
      const operand = compileNode(node.expression);
      return (input, scope) => {
        const value = operand(input, scope);
        if (value === undefined) return undefined;
        return -numeric(value);
      };
    }
    case "[": {
      if ((node as { consarray?: boolean }).consarray) throw new Unsupported("consarray");
      const items = (node.expressions ?? []).map((item) => ({ evaluate: compileNode(item), nested: item.value === "[" }));
      return (input, scope) => {
        let result: unknown[] = [];
        for (const item of items) {
          const value = item.evaluate(input, scope);
          if (value === undefined) continue;
          if (item.nested) result.push(value);
          else result = result.concat(Array.isArray(value) ? value : [value]);
        }
        return result;
      };
    }
    case "{":
      return compileObject(node);
    default:
      throw new Unsupported(`unary ${String(node.value)}`);
  }
}

/**
 * evaluateGroupExpression for literal, distinct keys over one input item: each pair's value is
 * evaluated with the input as context, and kept unless undefined. An array input groups its
 * items by key in jsonata; that is not ported.
 */
function compileObject(node: Node): Eval {
  const pairs = node.lhs;
  if (!Array.isArray(pairs)) throw new Unsupported("object");
  const keys = new Set<string>();
  const compiled = pairs.map(([key, value]) => {
    if (key.type !== "string" || Object.keys(key).some((k) => !KNOWN_KEYS["string"]!.includes(k))) throw new Unsupported("computed key");
    const name = String(key.value);
    if (keys.has(name) || name === "__proto__") throw new Unsupported("repeated key");
    keys.add(name);
    return { name, value: compileNode(value) };
  });
  return (input, scope) => {
    if (Array.isArray(input)) throw bail;
    const result: Record<string, unknown> = {};
    for (const { name, value } of compiled) {
      const item = value(input, scope);
      if (item !== undefined) result[name] = item;
    }
    return result;
  };
}

function compileBinary(node: Node): Eval {
  const op = String(node.value);
  if (!node.lhs || Array.isArray(node.lhs) || !node.rhs) throw new Unsupported("binary");
  const lhs = compileNode(node.lhs as Node);
  const rhs = compileNode(node.rhs);
  switch (op) {
    case "and":
      return (input, scope) => boolize(lhs(input, scope)) && boolize(rhs(input, scope));
    case "or":
      return (input, scope) => boolize(lhs(input, scope)) || boolize(rhs(input, scope));
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return (input, scope) => arithmetic(op, lhs(input, scope), rhs(input, scope));
    case "=":
    case "!=":
      return (input, scope) => {
        const left = lhs(input, scope);
        const right = rhs(input, scope);
        if (left === undefined || right === undefined) return false;
        return (op === "=") === isDeepEqual(left, right);
      };
    case "<":
    case "<=":
    case ">":
    case ">=":
      return (input, scope) => compare(op, lhs(input, scope), rhs(input, scope));
    case "&":
      return (input, scope) => {
        const left = lhs(input, scope);
        const right = rhs(input, scope);
        return (left === undefined ? "" : toText(left)) + (right === undefined ? "" : toText(right));
      };
    case "in":
      return (input, scope) => {
        const left = lhs(input, scope);
        const right = rhs(input, scope);
        if (left === undefined || right === undefined) return false;
        return (Array.isArray(right) ? right : [right]).some((item) => item === left);
      };
    default:
      throw new Unsupported(`binary ${op}`);
  }
}

function compileFunction(node: Node): Eval {
  const procedure = node.procedure;
  const args = (node.arguments ?? []).map(compileNode);
  if (procedure?.type !== "variable" || Object.keys(procedure).some((key) => !KNOWN_KEYS["variable"]!.includes(key))) {
    throw new Unsupported("procedure");
  }
  const [first, second, third] = args;
  // Exactly the arity written out: fewer arguments would take the context (`-` in the signature).
  if (procedure.value === "lookup" && args.length === 2) {
    return (input, scope) => {
      const object = first!(input, scope);
      const key = second!(input, scope);
      // An absent key passes jsonata's signature check and reads the property "undefined".
      if (key === undefined) return lookup(object, "undefined");
      if (typeof key !== "string") throw bail;
      return lookup(object, key);
    };
  }
  if (procedure.value === "substring" && args.length === 3) {
    return (input, scope) => {
      const text = first!(input, scope);
      const start = second!(input, scope);
      const length = third!(input, scope);
      if (typeof text !== "string" || typeof start !== "number" || typeof length !== "number") throw bail;
      if (!Number.isFinite(start) || !Number.isFinite(length)) throw bail;
      return substring(text, start, length);
    };
  }
  throw new Unsupported(`function ${String(procedure.value)}`);
}

// ---- jsonata's value semantics, ported ----

function sequence(): Sequence {
  const result: Sequence = [];
  result.sequence = true;
  return result;
}

function sequenceOf(value: unknown): Sequence {
  const result = sequence();
  result.push(value);
  return result;
}

/** utils.isFunction: jsonata also takes an object flagged `_jsonata_function`/`_jsonata_lambda` for one. */
function isFunction(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (value === null || typeof value !== "object") return false;
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

function isSequence(value: unknown): boolean {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

function finish(result: unknown): unknown {
  if (result && isSequence(result)) {
    const items = result as Sequence;
    if (items.length === 0) return undefined;
    if (items.length === 1) return items.keepSingleton ? items : items[0];
  }
  return result;
}

/** fn.lookup: a property of an object, or of every object in an array, flattened one level. */
function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = sequence();
    for (const item of input) {
      const value = lookup(item, key);
      if (value === undefined) continue;
      if (Array.isArray(value)) value.forEach((inner) => result.push(inner));
      else result.push(value);
    }
    return result;
  }
  // A function (lambda, built-in, or an object that looks like one) is jsonata's business.
  if (isFunction(input)) throw bail;
  if (input !== null && typeof input === "object" && Object.hasOwn(input, key)) {
    const value = (input as Record<string, unknown>)[key];
    if (isFunction(value)) throw bail;
    return value;
  }
  return undefined;
}

/** A finite number, or bail (jsonata raises D1001/D1002/T2001/T2002 there). */
function numeric(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw bail;
  return value;
}

function arithmetic(op: string, left: unknown, right: unknown): number | undefined {
  if (left !== undefined) numeric(left);
  if (right !== undefined) numeric(right);
  if (left === undefined || right === undefined) return undefined;
  const a = left as number;
  const b = right as number;
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    default:
      return a % b;
  }
}

function compare(op: string, left: unknown, right: unknown): boolean | undefined {
  const comparable = (value: unknown) => value === undefined || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
  if (!comparable(left) || !comparable(right)) throw bail;
  if (left === undefined || right === undefined) return undefined;
  if (typeof left !== typeof right) throw bail;
  const a = left as string | number;
  const b = right as string | number;
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

/** utils.isDeepEqual, for JSON values (anything else bails). */
function isDeepEqual(left: unknown, right: unknown): boolean {
  if (isFunction(left) || isFunction(right)) throw bail;
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => isDeepEqual(item, right[index]));
  }
  // jsonata compares own property names, which for an array include `length` and its flags.
  if (Array.isArray(left) || Array.isArray(right)) throw bail;
  const leftKeys = Object.getOwnPropertyNames(left).sort();
  const rightKeys = Object.getOwnPropertyNames(right).sort();
  if (leftKeys.length !== rightKeys.length || leftKeys.some((key, index) => key !== rightKeys[index])) return false;
  return leftKeys.every((key) => isDeepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]));
}

/** fn.boolean, with undefined as false (boolize). */
function boolize(value: unknown): boolean {
  return value === undefined ? false : toBoolean(value);
}

function toBoolean(value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    if (value.length === 1) return toBoolean(value[0]);
    // Every item, like jsonata's filter: one it would raise an error on must bail here too.
    return value.filter((item) => toBoolean(item)).length > 0;
  }
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return false;
    return numeric(value) !== 0;
  }
  if (isFunction(value)) throw bail;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return value === true;
}

/** fn.string for `&`: strings as they are, other JSON values as compact JSON with 15-digit numbers. */
function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isFunction(value)) throw bail;
  if (typeof value === "number" && !Number.isFinite(value)) throw bail;
  return JSON.stringify(value, (_key, item: unknown) => {
    if (isFunction(item)) throw bail;
    if (typeof item === "number") {
      if (!Number.isFinite(item)) throw bail;
      return Number.isInteger(item) ? item : Number(item.toPrecision(15));
    }
    return item;
  });
}

/** fn.substring: by code point, negative start from the end. */
function substring(text: string, start: number, length: number): string {
  const characters = Array.from(text);
  const first = characters.length + start < 0 ? 0 : start;
  if (length <= 0) return "";
  const end = first >= 0 ? first + length : characters.length + first + length;
  return characters.slice(first, end).join("");
}

/** Whether the expression binds `$lookup` or `$substring` itself (then the inlined ones would be wrong). */
function bindsBuiltIn(node: unknown): boolean {
  if (node === null || typeof node !== "object") return false;
  const record = node as Record<string, unknown>;
  if (record["type"] === "bind") {
    const lhs = record["lhs"] as { value?: unknown } | undefined;
    if ((BUILT_INS as readonly unknown[]).includes(lhs?.value)) return true;
  }
  return Object.values(record).some((value) => (Array.isArray(value) ? value.some(bindsBuiltIn) : bindsBuiltIn(value)));
}
