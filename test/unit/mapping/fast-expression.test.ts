import { inspect } from "node:util";
import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import type { ConfigProblem } from "../../../src/config/config-error.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { compileRoute } from "../../../src/mapping/compile-route.js";
import { BAIL, compileFast } from "../../../src/mapping/fast-expression.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";

// The fast path is only correct if it answers exactly what jsonata answers, or bails. Compared
// here: what the worker keeps of a result (the JSON of a mapping, the truth of a filter, and
// whether it is undefined), on every shipped and bench route, their examples, hand-picked edge
// cases, and generated events: fields missing, null, singletons vs arrays, numbers as strings.

type Outcome = { readonly error: string } | { readonly value: unknown };

async function slow(source: string, input: unknown, bindings: Record<string, unknown>): Promise<Outcome> {
  try {
    return { value: await jsonata(source).evaluate(input, { ...bindings }) };
  } catch (error) {
    return { error: String((error as { code?: string }).code) };
  }
}

function fast(source: string, input: unknown, bindings: Record<string, unknown>): unknown {
  const compiled = compileFast(jsonata(source).ast());
  return compiled ? compiled(input, bindings) : BAIL;
}

/** What the worker keeps of a result: defined or not, truthy or not, and its JSON. */
function kept(value: unknown): { defined: boolean; truthy: boolean; json: string | undefined } {
  return { defined: value !== undefined, truthy: Boolean(value), json: value === undefined ? undefined : JSON.stringify(value) };
}

/** Fast agrees with jsonata or bails; returns whether it answered. */
async function agree(source: string, input: unknown, bindings: Record<string, unknown> = {}): Promise<boolean> {
  const where = `${source} on ${inspect(input, { depth: null })} with ${inspect(bindings, { depth: null })}`;
  const answer = fast(source, input, bindings);
  const reference = await slow(source, input, bindings);
  if (answer === BAIL) return false;
  expect("error" in reference ? `jsonata raised ${reference.error}` : "jsonata answered", where).toBe("jsonata answered");
  expect(kept(answer), where).toEqual(kept((reference as { value: unknown }).value));
  return true;
}

const shipped = loadRoutes("routes", { ...process.env, ...EXAMPLE_SECRETS });
const bench = loadRoutes("bench/routes", { ...process.env, ...EXAMPLE_SECRETS, BENCH_SINK_URL: "http://127.0.0.1:9" });
const routes = [...shipped.routes.values(), ...bench.routes.values()];

const expressions = routes.flatMap((route) => [
  ...(route.filter === undefined ? [] : [{ route, source: route.filter }]),
  ...(route.when === undefined ? [] : [{ route, source: route.when }]),
  { route, source: route.mapping },
]);

/** Every name and variable an expression reads: the fields generated events are made of. */
function namesIn(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) namesIn(item, names);
  else if (node !== null && typeof node === "object") {
    const { type, value } = node as { type?: unknown; value?: unknown };
    if ((type === "name" || type === "variable" || type === "string") && typeof value === "string" && value !== "") names.add(value);
    for (const child of Object.values(node)) namesIn(child, names);
  }
  return names;
}

/** A deep copy of `value` with each mutation applied at the slot (object field, array item) it picks. */
function mutate(value: unknown, mutations: ReadonlyArray<readonly [number, string, unknown]>): unknown {
  const copy = structuredClone(value);
  for (const [pick, kind, replacement] of mutations) {
    const slots: Array<[Record<string, unknown>, string]> = [];
    const collect = (node: unknown) => {
      if (node === null || typeof node !== "object") return;
      for (const key of Object.keys(node)) {
        slots.push([node as Record<string, unknown>, key]);
        collect((node as Record<string, unknown>)[key]);
      }
    };
    collect(copy);
    if (slots.length === 0) continue;
    const [parent, key] = slots[pick % slots.length]!;
    const current = parent[key];
    if (kind === "delete") delete parent[key];
    else if (kind === "replace") parent[key] = replacement;
    else if (kind === "wrap") parent[key] = [current];
    else if (kind === "unwrap") parent[key] = Array.isArray(current) ? current[0] : current;
    else parent[key] = typeof current === "number" ? String(current) : current;
  }
  return copy;
}

/** JSON-like values over the given keys: missing fields, nulls, singletons, numbers as strings. */
function valuesOver(keys: readonly string[]) {
  const scalar = fc.oneof(
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      1,
      2.5,
      -3,
      "",
      "0",
      "12.5",
      "completed",
      "ready",
      "cus_100",
      "prd_widget",
      "2026-11-20T14:03:11.000Z",
      "é😀x",
    ),
    fc.constantFrom(...keys),
    fc.integer({ min: -5, max: 50 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.string({ maxLength: 12 }),
  );
  const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("object"), fc.array(tie("value"), { maxLength: 3 })),
    object: fc.dictionary(fc.constantFrom(...keys), tie("value"), { maxKeys: 5 }),
  }));
  return value;
}

describe("the fast path of JSONata expressions", () => {
  it("compiles the bench route and the shipped routes that fit the subset", () => {
    const fastOnes = expressions
      .filter(({ source }) => compileFast(jsonata(source).ast()) !== undefined)
      .map(({ route, source }) => `${route.id}: ${source.slice(0, 30)}`);
    // The bench route's filter and mapping are the hot path this exists for.
    const benchRoute = bench.routes.get("bench-orders")!;
    expect(compileFast(jsonata(benchRoute.filter!).ast())).toBeDefined();
    expect(compileFast(jsonata(benchRoute.mapping).ast())).toBeDefined();
    expect(fastOnes.length).toBeGreaterThanOrEqual(6);
  });

  it("gives every route's examples what jsonata gives them, without bailing on what runs", async () => {
    for (const route of routes) {
      const problems: ConfigProblem[] = [];
      const compiled = compileRoute(route, problems)!;
      for (const example of route.examples) {
        const event = { specversion: "1.0", datacontenttype: "application/json", ...example.event };
        for (const [source, fastOne] of [
          [route.filter, compiled.fast.filter],
          [route.when, compiled.fast.when],
          [route.mapping, compiled.fast.mapping],
        ] as const) {
          if (source === undefined || fastOne === undefined) continue;
          const answered = await agree(source, event, example.enrichment);
          // The mapping of a filtered example may read enrichment that is absent (unbound: bails).
          if (source === route.filter || !example.filtered) expect(answered, `${route.id}: ${example.name}`).toBe(true);
        }
      }
    }
  });

  it("agrees with jsonata on the examples' events with fields deleted, replaced, wrapped in or taken out of arrays", async () => {
    for (const route of routes) {
      const problems: ConfigProblem[] = [];
      const compiled = compileRoute(route, problems)!;
      const names = [...namesIn(jsonata(route.mapping).ast()), ...namesIn(route.filter === undefined ? [] : jsonata(route.filter).ast())];
      const mutation = fc.tuple(fc.nat(), fc.constantFrom("delete", "replace", "wrap", "unwrap", "stringify"), valuesOver(names));
      for (const example of route.examples) {
        const original = { specversion: "1.0", datacontenttype: "application/json", ...example.event, enrichment: example.enrichment };
        let answered = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
            const { enrichment, ...event } = mutate(original, mutations) as { enrichment: Record<string, unknown> };
            for (const source of [route.filter, route.mapping]) {
              if (source !== undefined && (source === route.filter ? compiled.fast.filter : compiled.fast.mapping)) {
                answered += Number(await agree(source, event, enrichment ?? {}));
              }
            }
          }),
          { numRuns: 150 },
        );
        if (compiled.fast.mapping) expect(answered, `${route.id}: ${example.name}`).toBeGreaterThan(30);
      }
    }
  });

  it("agrees with jsonata on generated events for every route expression", async () => {
    for (const { route, source } of expressions) {
      if (compileFast(jsonata(source).ast()) === undefined) continue;
      const names = [...namesIn(jsonata(source).ast())];
      const values = valuesOver(names);
      const data = fc.dictionary(fc.constantFrom(...names), values, { maxKeys: 8 });
      const event = fc.record(
        {
          type: fc.constant("t"),
          id: fc.constant("e"),
          time: fc.oneof({ arbitrary: fc.constant("2026-11-20T14:03:11.000Z"), weight: 4 }, { arbitrary: values, weight: 1 }),
          data: fc.oneof({ arbitrary: data, weight: 4 }, { arbitrary: values, weight: 1 }),
        },
        { requiredKeys: ["type", "id"] },
      );
      // The worker binds every enrichment step's result; their shapes vary like the data's.
      const enrichment = fc.record(
        Object.fromEntries(route.enrich.map((step) => [step.as, fc.oneof({ arbitrary: data, weight: 4 }, { arbitrary: values, weight: 1 })])),
      );
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(event, enrichment, async (input, bindings) => {
          answered += Number(await agree(source, input, bindings));
        }),
        { numRuns: 300 },
      );
      // Bailing is always correct; bailing on nearly everything would make this test say nothing.
      expect(answered, `${route.id}: ${source}`).toBeGreaterThan(source.includes("$order.orderItems") ? 0 : 30);
    }
  });

  const edges: Array<[string, unknown[]]> = [
    [
      "a.b",
      [{ a: { b: [1] } }, { a: [{ b: 1 }, { b: [2, 3] }] }, { a: [[{ b: 1 }]] }, { a: { b: [] } }, { a: [] }, { a: [{ b: [] }, { b: [[1]] }] }],
    ],
    ["[a.b]", [{ a: { b: 1 } }, { a: { b: [1, [2]] } }, {}, { a: [{ b: 1 }, { c: 2 }] }]],
    ["[a, [b], c.d]", [{ a: [1, 2], b: [3], c: [{ d: 4 }, { d: [5] }] }, {}, { b: null }]],
    ['a.{ "x": b, "y": [b] }', [{ a: [{ b: 1 }, { b: [1, 2] }, {}] }, { a: { b: [] } }, { a: [[{ b: 1 }, { b: 2 }]] }, { a: [1, "s", null] }]],
    ['a in ["x", "y"]', [{ a: "x" }, { a: ["x"] }, { a: "z" }, {}, { a: null }]],
    ["a in b", [{ a: 1, b: [1, 2] }, { a: 1, b: 1 }, { a: [1], b: [[1]] }, { b: [] }]],
    [
      "a = b",
      [
        { a: 1, b: 1 },
        { a: [1], b: 1 },
        { a: { x: [1] }, b: { x: [1] } },
        { a: [1, 2], b: [1, 2] },
        { a: null, b: null },
        { a: 1 },
        { a: "1", b: 1 },
      ],
    ],
    ["a != b", [{ a: 1, b: 1 }, { a: { x: 1 }, b: { x: 2 } }, { a: 1 }]],
    ["a < b", [{ a: 1, b: 2 }, { a: "a", b: "b" }, { a: 1, b: "2" }, { a: [1], b: 2 }, { b: 1 }, { a: null, b: 1 }]],
    // biome-ignore lint/correctness/noPrecisionLoss: more digits than a double holds, to test how they are printed
    ["a & b & 1.1 & c", [{ a: "x", b: 2, c: { d: [1.123456789012345678, true, null] } }, {}, { a: [1, 2] }, { c: 0.1 + 0.2 }]],
    [
      "a * b + c - d / e % f",
      [{ a: 2, b: 3, c: 1, d: 8, e: 2, f: 3 }, { a: "2", b: 3 }, { a: 2 }, { a: null, b: 1 }, { a: [2], b: [3], c: [1], d: 1, e: 1, f: 1 }],
    ],
    ["-a", [{ a: 1 }, { a: "1" }, {}, { a: [2] }, { a: [1, 2] }]],
    ["a and b or c", [{ a: [0, 1], b: "x" }, { a: [], c: {} }, { a: [[]], b: { x: 1 } }, { c: [0, ""] }, { a: 0 }]],
    ["a ? b : c", [{ a: [false], b: 1, c: 2 }, { a: "", c: [1] }, { a: {}, b: 1 }, { a: [null, 0] }]],
    [
      "a ? b",
      [
        { a: true, b: 1 },
        { a: false, b: 1 },
      ],
    ],
    [
      "$lookup(m, k)",
      [
        { m: { x: 1 }, k: "x" },
        { m: [{ x: 1 }, { x: [2, 3] }], k: "x" },
        { m: { x: 1 }, k: ["x"] },
        { k: "x" },
        { m: "s", k: "x" },
        { m: { x: [1] }, k: "x" },
      ],
    ],
    [
      "$substring(s, a, b)",
      [
        { s: "hello world", a: 0, b: 5 },
        { s: "héllo😀x", a: -3, b: 2 },
        { s: "abc", a: 1.5, b: 1.2 },
        { s: "abc", a: -9, b: 2 },
        { s: "abc", a: 0, b: -1 },
        { s: ["abc"], a: 0, b: 1 },
        { a: 0, b: 1 },
        { s: 12, a: 0, b: 1 },
      ],
    ],
    ['($x := a; $y := $x.b; { "y": $y, "x": $x, "d": $$.a, "c": $.a })', [{ a: { b: [1] } }, { a: [{ b: 1 }, { b: 2 }] }, {}]],
    ["($x := 1; ($x := 2; $x) + $x)", [{}]],
    ['$order.items.{ "q": qty * price }', [{}]],
    ['{ "1": a, "b": 2, "0": c }', [{ a: 1, c: [1] }, {}]],
    [
      "a.b.c",
      [
        { a: [{ b: [{ c: 1 }, { c: [2, 3] }] }, { b: { c: [[4]] } }] },
        { a: { b: { c: [5] } } },
        { a: { b: "s" } },
        { a: null },
        { a: { b: { c: [] } } },
      ],
    ],
    // Sequences kept in variables and objects, then read by a path.
    ['($s := a.b; { "c": $s.c, "k": $s })', [{ a: [{ b: { c: 1 } }, { b: { c: 2 } }] }, { a: { b: { c: [3] } } }, { a: [{ b: 1 }] }]],
    [
      '($o := { "k": a.b }; [$o.k, $o.k.c])',
      [{ a: [{ b: 1 }, { b: 2 }] }, { a: { b: 1 } }, { a: [{ b: [1] }] }, { a: [{ b: { c: 1 } }, { b: { c: 2 } }] }],
    ],
    // Data that looks like a JSONata function to jsonata.
    ["a.b", [{ a: { _jsonata_function: true, b: 1 } }, { a: { b: { _jsonata_lambda: true } } }]],
  ];

  it("agrees with jsonata on hand-picked edge cases of sequences, undefined and errors", async () => {
    for (const [source, inputs] of edges) {
      for (const input of inputs)
        await agree(source, input, {
          order: {
            items: [
              { qty: 2, price: 1.5 },
              { qty: "2", price: 1 },
            ],
          },
        });
    }
  });

  it("agrees with jsonata on the edge-case expressions over generated inputs", async () => {
    for (const [source] of edges) {
      const names = [...namesIn(jsonata(source).ast())];
      const input = fc.dictionary(fc.constantFrom(...names), valuesOver(names), { maxKeys: 6 });
      await fc.assert(
        fc.asyncProperty(input, async (value) => void (await agree(source, value, {}))),
        { numRuns: 200 },
      );
    }
  });

  it("leaves to jsonata what is outside the subset, and what a binding shadows", async () => {
    for (const source of [
      "a[0]",
      "a.b[x > 1]",
      "$count(a)",
      "a{ b: c }",
      "$x := function($v) { $v }",
      "a.[b]",
      "a.[b][]",
      "**.a",
      "a.*",
      "$lookup := 1",
      "a ~> $f",
    ]) {
      expect(compileFast(jsonata(source).ast()), source).toBeUndefined();
    }
    // An enrichment step named like a built-in function shadows it in jsonata.
    expect(fast('$lookup(a, "b")', { a: { b: 1 } }, { lookup: 1 })).toBe(BAIL);
    // A variable bound nowhere is one of jsonata's functions, or undefined: jsonata answers.
    expect(fast("$string", {}, {})).toBe(BAIL);
    expect(fast('{ "a": a }', [{ a: 1 }], {})).toBe(BAIL);
  });
});
