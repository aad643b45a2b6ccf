import type { StateDb } from "../../state/state-db.js";
import { ROUTE_STATES, type RouteState } from "./log-rows.js";

/** Events received, and how many (event, route) pairs are in each state. */
export type StateCounts = { received: number } & Record<RouteState, number>;

/** A source's counts: events accepted (`received`), events refused for its request schema (`rejected`), their routes' states. */
export type SourceCounts = StateCounts & { rejected: number };

export interface LogCounts {
  /** Per source: events received and rejected; the states count the routes of the received ones. */
  readonly sources: ReadonlyMap<string, SourceCounts>;
  /** Per route: events routed to it (`received`), and how many are in each state. */
  readonly routes: ReadonlyMap<string, StateCounts>;
}

export function emptyCounts(): StateCounts {
  return { received: 0, ...(Object.fromEntries(ROUTE_STATES.map((state) => [state, 0])) as Record<RouteState, number>) };
}

export function emptySourceCounts(): SourceCounts {
  return { ...emptyCounts(), rejected: 0 };
}

/** Counts over the events received since `since` (epoch ms). */
export async function countLog(db: StateDb, since: number): Promise<LogCounts> {
  const received = await db
    .selectFrom("log_events")
    .select((eb) => ["source_id", "via", eb.fn.countAll().as("n")])
    .where("received_at", ">=", since)
    .where("source_id", "is not", null)
    .groupBy(["source_id", "via"])
    .execute();
  const joined = db
    .selectFrom("log_routes")
    .innerJoin("log_events", "log_events.event_id", "log_routes.event_id")
    .where("log_events.received_at", ">=", since);
  const [bySource, byRoute] = await Promise.all([
    joined
      .select((eb) => ["log_events.source_id as key", "log_routes.state", eb.fn.countAll().as("n")])
      .where("log_events.source_id", "is not", null)
      .groupBy(["log_events.source_id", "log_routes.state"])
      .execute(),
    joined
      .select((eb) => ["log_routes.route_id as key", "log_routes.state", eb.fn.countAll().as("n")])
      .groupBy(["log_routes.route_id", "log_routes.state"])
      .execute(),
  ]);

  const sources = new Map<string, SourceCounts>();
  const routes = new Map<string, StateCounts>();
  const entry = <C extends StateCounts>(map: Map<string, C>, key: string, empty: () => C) => map.get(key) ?? map.set(key, empty()).get(key)!;
  const source = (key: string) => entry(sources, key, emptySourceCounts);
  // COUNT(*) is a bigint: a string from PostgreSQL's driver.
  for (const row of received) source(row.source_id!)[row.via === "rejected" ? "rejected" : "received"] += Number(row.n);
  for (const row of bySource) addState(source(row.key!), row.state, Number(row.n));
  for (const row of byRoute) {
    const counts = entry(routes, row.key, emptyCounts);
    addState(counts, row.state, Number(row.n));
    counts.received += Number(row.n);
  }
  return { sources, routes };
}

function addState(counts: StateCounts, state: string, n: number): void {
  if ((ROUTE_STATES as readonly string[]).includes(state)) counts[state as RouteState] += n;
}
