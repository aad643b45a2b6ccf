import type { DestinationStatusRow, Health, RouteStatusRow, SourceStatusRow, Status } from "../admin-types.js";
import { api, query } from "../api.js";
import { type Child, h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { badge, errorNotice, field, link, notice, poll, select, table } from "../ui.js";
import { type PauseHooks, pauseButton } from "./pause-controls.js";
import { pollsView } from "./polls-view.js";

const WINDOWS = [
  ["15m", "15 minutes"],
  ["1h", "hour"],
  ["24h", "24 hours"],
  ["7d", "7 days"],
] as const;
const REFRESH_MS = 5000;

/** Every source and route with its counts over a chosen window, readiness and problems; refreshed every 5 s. */
export function overviewPage(context: PageContext): Page {
  const window = WINDOWS.some(([value]) => value === context.params.get("window")) ? context.params.get("window")! : "24h";
  const picker = select("window", window, WINDOWS);
  picker.addEventListener("change", () => context.navigate(consolePath([], query({ window: picker.value === "24h" ? undefined : picker.value }))));
  const healthBox = h("section", { "aria-labelledby": "health-title" });
  const countsBox = h("div");
  const updated = h("p", { class: "updated", "aria-live": "off" });
  const messages = h("div", { class: "messages", "aria-live": "polite" });
  const hooks: PauseHooks = { refresh: () => refresh(true), say: (message) => replace(messages, message) };
  const refresh = async (force = false) => {
    const [status, health] = await Promise.allSettled([api<Status>(`/status${query({ since: window })}`), api<Health>("/health")]);
    replace(
      healthBox,
      h("h2", { id: "health-title" }, "Health"),
      health.status === "fulfilled" ? healthView(health.value) : errorNotice(health.reason, "the router's health"),
    );
    // Redrawing under a keyboard user's focus (tabbing through the tables) would throw it away;
    // a Pause or Resume forces it, and puts focus back on its new button itself.
    if (!countsBox.contains(document.activeElement) || force)
      replace(countsBox, status.status === "fulfilled" ? countsView(status.value, window, hooks) : errorNotice(status.reason, "the status"));
    replace(updated, "Updated ", time(new Date().toISOString()), ` · refreshes every ${REFRESH_MS / 1000} s`);
  };
  const stop = poll(() => refresh(), REFRESH_MS);
  const node = h(
    "section",
    null,
    h("div", { class: "page-head" }, h("h1", null, "Overview"), field("Counts over the last", picker)),
    updated,
    healthBox,
    messages,
    countsBox,
  );
  return { title: "Overview", node, dispose: stop };
}

function healthView(health: Health): Child[] {
  const spool = typeof health.spool === "number" ? { count: health.spool } : health.spool;
  const facts: Array<[string, Child]> = [["Readiness", badge(health.status)]];
  if (health.events) facts.push(["Events go to", describeEvents(health.events)]);
  if (spool) facts.push(["Spool", `${spool.count ?? 0} events${spool.bytes !== undefined ? ` (${Math.ceil(spool.bytes / 1024)} KiB)` : ""}`]);
  if (health.workers) facts.push(["Workers", describeWorkers(health.workers)]);
  const problems = health.problems ?? [];
  return [
    h(
      "dl",
      { class: "facts" },
      facts.map(([term, value]) => [h("dt", null, term), h("dd", null, value)]),
    ),
    problems.length === 0
      ? h("p", { class: "ok" }, "No problems reported.")
      : h(
          "ul",
          { class: "problems", "aria-label": "Problems" },
          problems.map((problem) =>
            h(
              "li",
              null,
              h("strong", null, problem.code ?? "problem"),
              ": ",
              problem.message ?? "",
              problem.at ? [" (since ", time(problem.at), ")"] : null,
            ),
          ),
        ),
  ];
}

function describeEvents(state: string): string {
  const words: Record<string, string> = {
    broker: "RabbitMQ (normal)",
    spool: "the local spool: RabbitMQ cannot take events, they are kept on disk and relayed later",
    spool_full: "nowhere: the spool is full and RabbitMQ is unreachable — webhooks are refused with 503",
    spool_error: "RabbitMQ; the spool reported an error (see problems)",
    shutting_down: "nowhere: the router is shutting down",
  };
  return words[state] ?? state;
}

function describeWorkers(state: string): string {
  const words: Record<string, string> = {
    consuming: "consuming (normal)",
    disconnected: "disconnected from RabbitMQ: nothing is delivered until they reconnect",
    no_routes: "no routes configured",
  };
  return words[state] ?? state;
}

function countsView(status: Status, window: string, hooks: PauseHooks): Child[] {
  const since = window === "24h" ? undefined : window;
  const events = (filter: Record<string, string>, count: number) =>
    count === 0 ? "0" : link(consolePath(["events"], query({ ...filter, since: since ?? "24h" })), String(count));
  const logNote = status.deliveryLog
    ? (status.deliveryLog.dropped ?? 0) + (status.deliveryLog.failed ?? 0) > 0
      ? notice(
          "error",
          "The delivery log lost rows.",
          `${status.deliveryLog.dropped ?? 0} dropped, ${status.deliveryLog.failed ?? 0} failed writes: counts and journeys have gaps. See the router's log.`,
        )
      : null
    : notice(
        "info",
        "The delivery log is off, so every count is zero.",
        "Set DELIVERY_LOG=true and restart the router to count events and search them.",
      );
  const sources = status.sources.length
    ? table(
        "Sources",
        ["Source", "Received", "Rejected", "Delivered", "Filtered", "Retrying", "Dead"],
        status.sources.map((source) => [
          sourceName(source),
          events({ source: source.id }, source.received),
          String(source.rejected),
          events({ source: source.id, status: "delivered" }, source.delivered),
          events({ source: source.id, status: "filtered" }, source.filtered),
          events({ source: source.id, status: "retrying" }, source.retrying),
          events({ source: source.id, status: "dead" }, source.dead),
        ]),
      )
    : notice("empty", "No sources are configured.", "Add a source to a file in ROUTES_DIR (see the README's routing table reference).");
  const routes = status.routes.length
    ? table(
        "Routes",
        ["Route", "Destination", "Received", "Delivered", "Filtered", "Retrying", "Dead", "Dead letters", "Waiting", "State", ""],
        status.routes.map((route) => [
          route.id,
          route.destination,
          events({ route: route.id }, route.received),
          events({ route: route.id, status: "delivered" }, route.delivered),
          events({ route: route.id, status: "filtered" }, route.filtered),
          events({ route: route.id, status: "retrying" }, route.retrying),
          events({ route: route.id, status: "dead" }, route.dead),
          deadLetterCell(route),
          waitingCell(route),
          routeState(route, status.destinations),
          route.paused === undefined
            ? null
            : pauseButton({ kind: "routes", id: route.id, paused: route.pausedBy === "route", destination: route.destination }, hooks),
        ]),
      )
    : notice("empty", "No routes are configured.", "Events are received but go nowhere until a route takes them.");
  return [h("h2", null, "Counts since ", time(status.since)), logNote, sources, routes, destinationsView(status, hooks), pollsView(status.polls)];
}

function deadLetterCell(route: RouteStatusRow): Child {
  if (route.deadLetterDepth === null) return h("span", { title: "this process runs no workers, or RabbitMQ did not answer" }, "—");
  if (route.deadLetterDepth === 0) return "0";
  return link(consolePath(["dead-letters"], query({ route: route.id })), String(route.deadLetterDepth));
}

/** An API endpoint (`POST /api/{id}`, answered by a route) or a polling source is tagged, so it is not mistaken for a webhook. */
function sourceName(source: SourceStatusRow): Child {
  if (source.kind === "poll")
    return h(
      "span",
      null,
      source.id,
      " ",
      h("span", { class: "tag", title: "pulled from an API on a schedule (kind: poll): its state is under Scheduled pulls" }, "polling source"),
    );
  if (source.kind !== "api" || !source.api) return source.id;
  const how = source.api.mode === "async" ? "async: 202 at once, the result POSTed to its callback" : "sync: the caller waits for the answer";
  return h(
    "span",
    null,
    source.id,
    " ",
    h("span", { class: "tag", title: `POST /api/${source.id}, answered by route ${source.api.route} (${how})` }, `API endpoint · ${source.api.mode}`),
  );
}

/** The route queue's ready messages: while it is paused, its events accumulate here. */
function waitingCell(route: RouteStatusRow): Child {
  if (route.waiting === undefined || route.waiting === null)
    return h("span", { title: "this process runs no workers, or RabbitMQ did not answer" }, "—");
  return String(route.waiting);
}

function routeState(route: RouteStatusRow, destinations: readonly DestinationStatusRow[] | undefined): Child {
  if (!route.paused) return badge("running");
  const destinationPaused = destinations?.find((destination) => destination.id === route.destination)?.paused === true;
  const by =
    route.pausedBy === "destination"
      ? ` with its destination ${route.destination}`
      : destinationPaused
        ? ` on its own; destination ${route.destination} is paused too`
        : " on its own";
  return h(
    "span",
    { class: "paused-state" },
    badge("paused"),
    by,
    route.pausedAt ? [" since ", time(route.pausedAt)] : null,
    route.pauseReason ? h("span", { class: "reason" }, ` — ${route.pauseReason}`) : null,
  );
}

/**
 * Each destination with the routes that lead to it. Its own pause (from `/status` destinations)
 * holds them all — an ERP in maintenance — and is lifted apart from a route's own pause.
 */
function destinationsView(status: Status, hooks: PauseHooks): Child {
  const destinations = status.destinations ?? [];
  if (destinations.length === 0) return null;
  return table(
    "Destinations",
    ["Destination", "Routes", "State", ""],
    destinations.map((destination) => {
      const alone = status.routes.filter((route) => route.destination === destination.id && route.pausedBy === "route").length;
      const state = destination.paused
        ? h(
            "span",
            { class: "paused-state" },
            badge("paused"),
            destination.pausedAt ? [" since ", time(destination.pausedAt)] : null,
            destination.pauseReason ? h("span", { class: "reason" }, ` — ${destination.pauseReason}`) : null,
          )
        : h("span", null, badge("running"), alone ? ` · ${alone} of ${destination.routes.length} routes paused on their own` : null);
      return [
        destination.id,
        destination.routes.join(", ") || "—",
        state,
        pauseButton({ kind: "destinations", id: destination.id, paused: destination.paused, routes: destination.routes }, hooks),
      ];
    }),
  );
}
