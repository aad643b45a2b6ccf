import type { EventSummary, Status } from "../admin-types.js";
import { api, query } from "../api.js";
import { h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { badge, errorNotice, field, link, notice, poll, select, table } from "../ui.js";

const STATES = ["pending", "delivered", "filtered", "retrying", "dead"] as const;
const FILTERS = ["id", "source", "type", "status", "route", "since", "until", "limit"] as const;
const REFRESH_MS = 5000;

/** Search the delivery log; the filters live in the URL, so a search can be bookmarked or shared. */
export function eventsPage(context: PageContext): Page {
  const value = (name: string) => context.params.get(name) ?? "";
  const sourceSelect = select("source", value("source"), [["", "Any source"]]);
  const routeSelect = select("route", value("route"), [["", "Any route"]]);
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const fields: Record<string, string> = {};
        for (const name of FILTERS) {
          const entry = data.get(name);
          if (typeof entry === "string" && entry.trim()) fields[name] = entry.trim();
        }
        context.navigate(consolePath(["events"], query(fields)));
      },
    },
    field("Event id", h("input", { name: "id", value: value("id"), autocomplete: "off" })),
    field("Source", sourceSelect),
    field("Type", h("input", { name: "type", value: value("type"), placeholder: "order.created", autocomplete: "off" })),
    field("Status", select("status", value("status"), [["", "Any status"], ...STATES.map((state) => [state, state] as const)])),
    field("Route", routeSelect),
    field("Since", h("input", { name: "since", value: value("since") || "24h", placeholder: "24h" }), "1h, 7d, or an ISO time"),
    field("Until", h("input", { name: "until", value: value("until"), placeholder: "now" }), "empty = now"),
    field(
      "At most",
      select(
        "limit",
        value("limit") || "50",
        ["50", "200", "1000"].map((n) => [n, `${n} events`] as const),
      ),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Search"), h("a", { href: consolePath(["events"]) }, "Clear")),
  );
  // The selects offer the configured sources and routes (the search works without them too).
  void api<Status>("/status?since=1m")
    .then((status) => {
      for (const source of status.sources) sourceSelect.append(h("option", { value: source.id, selected: source.id === value("source") }, source.id));
      for (const route of status.routes) routeSelect.append(h("option", { value: route.id, selected: route.id === value("route") }, route.id));
    })
    .catch(() => {});
  const results = h("div", null, "Searching…");
  const search: Record<string, string> = {};
  for (const name of FILTERS) if (value(name)) search[name] = value(name);
  search.since ??= "24h";
  const stop = poll(async () => {
    try {
      const answer = await api<{ events: EventSummary[]; count: number; limit: number }>(`/events${query(search)}`);
      // Redrawing under a keyboard user's focus would send it back to the top of the page.
      if (!results.contains(document.activeElement)) replace(results, resultsView(answer.events, answer.limit));
    } catch (error) {
      replace(results, errorNotice(error, "events"));
    }
  }, REFRESH_MS);
  return { title: "Events", node: h("section", null, h("h1", null, "Events"), form, results), dispose: stop };
}

function resultsView(events: readonly EventSummary[], limit: number): HTMLElement {
  if (events.length === 0)
    return notice("empty", "No events match.", "Widen the time range (Since), or clear a filter. Events appear here once the ingress accepts them.");
  return h(
    "div",
    null,
    h(
      "p",
      null,
      events.length === limit
        ? `The newest ${limit} matching events (narrow the search to see older ones).`
        : `${events.length} matching events, newest first.`,
    ),
    table(
      "Matching events",
      ["Received", "Event", "Source", "Type", "Subject", "Routes"],
      events.map((event) => [
        time(event.receivedAt),
        link(consolePath(["events", event.id]), event.id),
        event.source ?? "—",
        event.type ?? "—",
        event.subject ?? "—",
        event.routes.length === 0
          ? event.via === "rejected"
            ? badge("rejected")
            : "no route"
          : h(
              "ul",
              { class: "states" },
              event.routes.map((route) => h("li", null, `${route.route} `, badge(route.state))),
            ),
      ]),
    ),
  );
}
