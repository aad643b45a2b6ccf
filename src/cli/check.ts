import { loadEnvFor } from "../env.js";
import type { StandIns } from "../config/interpolate.js";
import { loadRoutes, type RoutingTable } from "../config/load-routes.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import { applyRoute, passesFilter } from "../mapping/apply-route.js";
import { compileRoutes } from "../mapping/compile-routes.js";
import { jsonDiff } from "../mapping/json-diff.js";
import { integrationAuthor, reportedRecord, writtenRecord } from "../mapping/loop-rules.js";
import { topicMatches } from "../broker/topic-match.js";

/**
 * `webhook-router check`: validates every routes file, compiles every expression, and runs every
 * route's examples through its filter, `when` and mapping, in the worker's order and with the
 * worker's code (the example's `enrichment` stands in for the calls) — a mapping is tested
 * before it is deployed. A two-way sync's rules run too: `skipAuthoredBy` may drop the example,
 * and `echo`'s and `remember`'s expressions must each give the record's id. An example's `data` must also match its source's request schema, where
 * one applies: a body the ingress would refuse (422) never reaches the route.
 * Secrets need not be set. Returns the exit code: 0 when everything passes, 1 otherwise.
 */
export async function check(print: (line: string) => void = console.log): Promise<number> {
  // Only ROUTES_DIR: check runs in the CI of whoever edits routes/, far from the router's settings.
  const env = loadEnvFor(["ROUTES_DIR"]);
  const standIns: StandIns = { missing: new Map() };
  const table = loadRoutes(env.ROUTES_DIR, process.env, { standIns });
  const compiled = compileRoutes(table);
  if (standIns.missing.size > 0) {
    print(`note: not set here (fine for check, required by start): ${[...standIns.missing.keys()].join(", ")}`);
  }
  let passed = 0;
  let failed = 0;
  for (const { route } of compiled.values()) {
    if (route.examples.length === 0) print(`- ${route.id}: no examples (add some: they are this route's tests)`);
    for (const example of route.examples) {
      const label = `${route.id} › ${example.name}`;
      const refused = schemaProblems(table, example.event);
      const problems = refused.length > 0 ? refused : await runExample(compiled.get(route.id)!, example);
      if (problems.length === 0) {
        passed += 1;
        print(`✓ ${label}`);
      } else {
        failed += 1;
        print(`✗ ${label}`);
        for (const line of problems) print(`    ${line}`);
      }
    }
  }
  // Polling sources were validated as the table loaded (schedule, URL template, expressions): no network here.
  for (const poll of table.polls.values()) {
    const routed = [...table.routes.values()].filter((route) =>
      route.events.some((pattern) => topicMatches(pattern, `${poll.id}.${poll.event.name}`)),
    );
    const to = routed.length > 0 ? `routes ${routed.map((route) => route.id).join(", ")}` : "no route here (consumers bind their own queues)";
    print(
      `✓ poll ${poll.id}: ${poll.every !== undefined ? `every ${poll.every / 1000} s` : `cron "${poll.cron}" ${poll.timezone}`}, ${poll.pagination.type} pagination, ${poll.id}.${poll.event.name} → ${to}`,
    );
  }
  print(
    `\n${table.sources.size + table.polls.size} sources${table.polls.size > 0 ? ` (${table.polls.size} polling)` : ""}, ${table.destinations.size} destinations, ${table.routes.size} routes; ` +
      `examples: ${passed} passed, ${failed} failed`,
  );
  return failed === 0 ? 0 : 1;
}

type Compiled = ReturnType<typeof compileRoutes> extends ReadonlyMap<string, infer C> ? C : never;
type Example = Compiled["route"]["examples"][number];

/** The example's data against the schema its source applies to its event name (`{sourceId}.{eventName}`). */
function schemaProblems(table: RoutingTable, event: Example["event"]): string[] {
  const dot = event.type.indexOf(".");
  const [sourceId, eventName] = [event.type.slice(0, dot), event.type.slice(dot + 1)];
  const validate = dot > 0 ? table.sources.get(sourceId)?.requestSchemas?.validatorFor(eventName) : undefined;
  const violations = validate?.(event.data) ?? [];
  if (violations.length === 0) return [];
  return [
    `the ingress would refuse this body (422): it does not match source "${sourceId}"'s schema for ${eventName}`,
    ...violations.map(({ pointer, message }) => `${pointer || "(the body)"}: ${message}`),
  ];
}

async function runExample(compiled: Compiled, example: Example): Promise<string[]> {
  const { route } = compiled;
  if (!route.events.some((pattern) => topicMatches(pattern, example.event.type))) {
    return [`type "${example.event.type}" matches none of the route's events (${route.events.join(", ")}): the route would never see it`];
  }
  const event: CloudEvent = { specversion: "1.0", datacontenttype: "application/json", ...example.event } as CloudEvent;
  try {
    if (!(await passesFilter(compiled, event))) return filteredProblems("filter", example.filtered);
    const { loop } = compiled;
    if (loop && (await integrationAuthor(loop, event, example.enrichment)) !== undefined) return filteredProblems("authored-by", example.filtered);
    // The store is not consulted (check has none): only that the expressions work on this event.
    if (loop) await reportedRecord(loop, event, example.enrichment);
    const result = await applyRoute(compiled, event, example.enrichment);
    if (result.filtered) return filteredProblems(result.filtered, example.filtered);
    if (example.filtered !== false) {
      return [
        `${expected(example.filtered)} should have dropped this event, but it went through (mapped to ${JSON.stringify(result.payload).slice(0, 200)})`,
      ];
    }
    if (loop) await writtenRecord(loop, result.payload, event, example.enrichment);
    return jsonDiff(example.expect, result.payload);
  } catch (error) {
    return [(error as Error).message];
  }
}

const STAGE_WORDS = {
  filter: "`filter` dropped this event (before enrichment)",
  when: "`when` dropped this event (after enrichment)",
  "authored-by": "`skipAuthoredBy` dropped this event (authored by the integration's own user)",
} as const;

function filteredProblems(droppedBy: keyof typeof STAGE_WORDS, wanted: Example["filtered"]): string[] {
  if (wanted === true || wanted === droppedBy) return [];
  if (wanted === false) return [`${STAGE_WORDS[droppedBy]}, but the example expects a mapped output`];
  return [`${STAGE_WORDS[droppedBy]}, but the example expects \`${wanted}\` to drop it`];
}

function expected(wanted: Example["filtered"]): string {
  return wanted === true ? "`filter`, `when` or `skipAuthoredBy`" : wanted === "authored-by" ? "`skipAuthoredBy`" : `\`${String(wanted)}\``;
}
