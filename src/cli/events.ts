import { existsSync } from "node:fs";
import { redactUrl } from "../config/env.js";
import { loadEnvFor } from "../env.js";
import {
  createDeliveryLogReader,
  describeIssues,
  eventFilterSchema,
  type AttemptRecord,
  type EventFilter,
  type EventJourney,
  type EventSummary,
} from "../ops/delivery-log/index.js";
import { openStateDb, type StateDb, stateFile } from "../state/state-db.js";
import { StateStoreError } from "./command-needs.js";

/** The flags as given (strings), one per filter field; checked here with the admin API's own rules. */
export type EventsOptions = { readonly [Field in keyof EventFilter]?: string | undefined };

/**
 * `webhook-router events [--source S] [--type T] [--status S] [--route R] [--since 1h|ISO]
 * [--until …] [--id ID] [--limit N]`: reads the delivery log straight from the state store
 * (DATA_DIR's SQLite, or DATABASE_URL) — one line per event with its routes' states, or with
 * `--id` the event's whole journey. Returns the exit code.
 */
export async function events(options: EventsOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnvFor(["DATA_DIR", "DATABASE_URL"]);
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const parsed = eventFilterSchema().safeParse(given);
  if (!parsed.success) {
    console.error(`webhook-router events: ${describeIssues(parsed.error)}`);
    return 2;
  }
  const db = await openStore(env.DATA_DIR, env.DATABASE_URL);
  try {
    const log = createDeliveryLogReader(db);
    const filter = parsed.data;
    if (filter.id !== undefined) {
      const journey = await log.journey(filter.id);
      if (!journey) {
        console.error(`webhook-router events: no event "${filter.id}" in the delivery log`);
        return 1;
      }
      for (const line of formatJourney(journey)) print(line);
      return 0;
    }
    const found = await log.search(filter);
    for (const event of found) print(formatSummary(event));
    print(`${found.length} event(s)${found.length === filter.limit ? ` (the newest ${filter.limit}: --limit for more)` : ""}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

/** The store where the router keeps it; never a fresh, empty one in whatever folder this runs from. */
async function openStore(dataDir: string, databaseUrl: string | undefined): Promise<StateDb> {
  const file = stateFile(dataDir);
  if (!databaseUrl && !existsSync(file)) {
    throw new StateStoreError(`no state store at ${file} (DATA_DIR) and no DATABASE_URL: run this where the router keeps its data, or set them`);
  }
  try {
    return await openStateDb({ dataDir, databaseUrl });
  } catch (error) {
    const where = databaseUrl ? `at ${redactUrl(databaseUrl)} (DATABASE_URL)` : `at ${file} (DATA_DIR)`;
    throw new StateStoreError(`cannot open the state store ${where}: ${(error as Error).message}`);
  }
}

/** `<received>  <id>  <type>  <via>  <route>=<state>(<attempts>) …`; an API call's `<via>` is `api:<how it ended>`. */
export function formatSummary(event: EventSummary): string {
  const routes = event.routes.map((route) => `${route.route}=${route.state}(${route.attempts})`).join(" ");
  const via = event.call === null ? (event.via ?? "-") : `api:${event.call}`;
  return [event.receivedAt, event.id, event.type ?? "-", via, routes || "(no routes)"].join("  ");
}

/** What an API call's receipt line says of how it ended for its caller. */
const CALL_TEXT: Readonly<Record<string, string>> = {
  accepted: "accepted (202; the result goes to the callback URL)",
  answered: "answered",
  "timed-out": "timed out (504 deadline_exceeded; the call still ran, once)",
  rejected: "rejected: the body did not match the endpoint's request schema (422)",
};

export function formatJourney(journey: EventJourney): string[] {
  const lines = [
    `event ${journey.id}  type ${journey.type ?? "-"}  source ${journey.source ?? "-"}  subject ${journey.subject ?? "-"}  time ${journey.time ?? "-"}`,
    journey.via === null
      ? `first seen ${journey.receivedAt} (no receipt in this log)`
      : journey.call !== null
        ? `API call ${journey.receivedAt}: ${CALL_TEXT[journey.call] ?? journey.call} (${journey.receipts} receipt(s))`
        : journey.via === "rejected"
          ? `rejected ${journey.receivedAt}: the body did not match the source's request schema (422; ${journey.receipts} receipt(s))`
          : `received ${journey.receivedAt} via ${journey.via} (${journey.receipts} receipt(s))`,
  ];
  for (const route of journey.routes) {
    lines.push(`route ${route.route}: ${route.state} (attempt ${route.attempts}, ${route.updatedAt})`);
    for (const attempt of route.history) lines.push(`  ${formatAttempt(attempt)}`);
  }
  if (journey.routes.length === 0) lines.push("no routes");
  if (journey.payload !== null) lines.push(`payload ${journey.payload}`);
  return lines;
}

/** `#2  <at>  retry  503  12.5ms  next in 100ms  <error>`, or `↻  <at>  replayed from the dead-letter queue` */
function formatAttempt(attempt: AttemptRecord): string {
  if (attempt.outcome === "replayed") return `↻   ${attempt.at}  replayed from the dead-letter queue`;
  return [
    `#${attempt.attempt}`,
    attempt.at,
    attempt.outcome,
    attempt.status ?? "-",
    attempt.latencyMs === null ? "-" : `${attempt.latencyMs}ms`,
    ...(attempt.delayMs === null ? [] : [`next in ${attempt.delayMs}ms`]),
    ...(attempt.reason === null ? [] : [`reason ${attempt.reason}`]),
    ...(attempt.error === null ? [] : [oneLine(attempt.error)]),
  ].join("  ");
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
