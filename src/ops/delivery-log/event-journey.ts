import type { StateDb } from "../../state/state-db.js";
import { STATE_OF } from "./log-rows.js";
import { toAttempt, toRouteStatus, toSummary, type AttemptRecord, type EventJourney, type RouteStatus } from "./log-views.js";

type RouteJourney = RouteStatus & { history: AttemptRecord[] };

/** Everything the log knows about one event id, or undefined when it knows nothing. */
export async function eventJourney(db: StateDb, eventId: string): Promise<EventJourney | undefined> {
  const [event, states, attempts] = await Promise.all([
    db.selectFrom("log_events").selectAll().where("event_id", "=", eventId).executeTakeFirst(),
    db.selectFrom("log_routes").selectAll().where("event_id", "=", eventId).execute(),
    db.selectFrom("log_attempts").selectAll().where("event_id", "=", eventId).orderBy("at").orderBy("attempt").execute(),
  ]);
  if (!event) return undefined; // every write adds at least a stub event row

  const routes = new Map<string, RouteJourney>();
  for (const row of states) routes.set(row.route_id, { ...toRouteStatus(row), history: [] });
  for (const row of attempts) {
    const record = toAttempt(row);
    // A state row lost with a dropped batch: the attempt still says where the route stands.
    const route = routes.get(row.route_id) ?? {
      route: row.route_id,
      state: STATE_OF[record.outcome as keyof typeof STATE_OF] ?? "pending",
      attempts: record.attempt,
      updatedAt: record.at,
      history: [],
    };
    route.history.push(record);
    routes.set(row.route_id, route);
  }
  const sorted = [...routes.values()].sort((a, b) => a.route.localeCompare(b.route));
  return { ...toSummary(event, []), payload: event.payload, routes: sorted };
}
