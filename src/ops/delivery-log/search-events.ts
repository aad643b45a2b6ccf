import type { StateDb } from "../../state/state-db.js";
import type { EventFilter } from "./log-filter.js";
import { toRouteStatus, toSummary, type EventSummary, type RouteStatus } from "./log-views.js";

/** Events matching `filter`, newest first, each with its routes' current states. */
export async function searchEvents(db: StateDb, filter: EventFilter): Promise<EventSummary[]> {
  let query = db.selectFrom("log_events").selectAll();
  if (filter.id !== undefined) query = query.where("event_id", "=", filter.id);
  if (filter.source !== undefined) query = query.where("source_id", "=", filter.source);
  if (filter.type !== undefined) query = query.where("type", "=", filter.type);
  if (filter.since !== undefined) query = query.where("received_at", ">=", filter.since);
  if (filter.until !== undefined) query = query.where("received_at", "<", filter.until);
  if (filter.route !== undefined || filter.status !== undefined) {
    // "status=dead&route=r": dead on r. "status=dead": dead on some route.
    query = query.where((eb) => {
      let routes = eb.selectFrom("log_routes").select("log_routes.event_id").whereRef("log_routes.event_id", "=", "log_events.event_id");
      if (filter.route !== undefined) routes = routes.where("log_routes.route_id", "=", filter.route);
      if (filter.status !== undefined) routes = routes.where("log_routes.state", "=", filter.status);
      return eb.exists(routes);
    });
  }
  const events = await query.orderBy("received_at", "desc").orderBy("event_id", "desc").limit(filter.limit).execute();
  if (events.length === 0) return [];
  const ids = events.map((event) => event.event_id);
  const routes = await db.selectFrom("log_routes").selectAll().where("event_id", "in", ids).orderBy("route_id").execute();
  const byEvent = new Map<string, RouteStatus[]>();
  for (const row of routes) {
    const list = byEvent.get(row.event_id) ?? [];
    list.push(toRouteStatus(row));
    byEvent.set(row.event_id, list);
  }
  return events.map((event) => toSummary(event, byEvent.get(event.event_id) ?? []));
}
