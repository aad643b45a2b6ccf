import type { Health, RouteStatusRow, Status } from "../admin-types.js";
import { api, query } from "../api.js";
import { type Child, h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { badge, errorNotice, field, link, notice, poll, select, table } from "../ui.js";
import { pauseControls } from "./pause-controls.js";

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
  const refresh = async (force = false) => {
    const [status, health] = await Promise.allSettled([api<Status>(`/status${query({ since: window })}`), api<Health>("/health")]);
    replace(
      healthBox,
      h("h2", { id: "health-title" }, "Health"),
      health.status === "fulfilled" ? healthView(health.value) : errorNotice(health.reason, "the router's health"),
    );
    // Redrawing under a keyboard user's focus (a pause reason being typed) would throw it away.
    if (!countsBox.contains(document.activeElement) || force)
      replace(
        countsBox,
        status.status === "fulfilled" ? countsView(status.value, window, () => refresh(true)) : errorNotice(status.reason, "the status"),
      );
    replace(updated, "Updated ", time(new Date().toISOString()), ` · refreshes every ${REFRESH_MS / 1000} s`);
  };
  const stop = poll(() => refresh(), REFRESH_MS);
  const node = h(
    "section",
    null,
    h("div", { class: "page-head" }, h("h1", null, "Overview"), field("Counts over the last", picker)),
    updated,
    healthBox,
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

function countsView(status: Status, window: string, refresh: () => Promise<void>): Child[] {
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
          source.id,
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
        ["Route", "Destination", "Received", "Delivered", "Filtered", "Retrying", "Dead", "Dead letters", "State", ""],
        status.routes.map((route) => [
          route.id,
          route.destination,
          events({ route: route.id }, route.received),
          events({ route: route.id, status: "delivered" }, route.delivered),
          events({ route: route.id, status: "filtered" }, route.filtered),
          events({ route: route.id, status: "retrying" }, route.retrying),
          events({ route: route.id, status: "dead" }, route.dead),
          deadLetterCell(route),
          routeState(route),
          pauseControls("routes", route.id, route.paused === true, refresh),
        ]),
      )
    : notice("empty", "No routes are configured.", "Events are received but go nowhere until a route takes them.");
  return [h("h2", null, "Counts since ", time(status.since)), logNote, sources, routes, destinationsView(status.routes, refresh)];
}

function deadLetterCell(route: RouteStatusRow): Child {
  if (route.deadLetterDepth === null) return h("span", { title: "this process runs no workers, or RabbitMQ did not answer" }, "—");
  if (route.deadLetterDepth === 0) return "0";
  return link(consolePath(["dead-letters"], query({ route: route.id })), String(route.deadLetterDepth));
}

function routeState(route: RouteStatusRow): Child {
  const waiting = route.waiting === undefined || route.waiting === null ? null : ` · ${route.waiting} waiting`;
  if (route.paused === undefined) return h("span", null, "running", waiting);
  if (!route.paused) return h("span", null, badge("running"), waiting);
  return h(
    "span",
    null,
    badge("paused"),
    waiting,
    route.pausedBy ? ` by ${route.pausedBy}` : null,
    route.pausedAt ? [" since ", time(route.pausedAt)] : null,
    route.pauseReason ? h("span", { class: "reason" }, ` — ${route.pauseReason}`) : null,
  );
}

/** Each destination once, with the routes that lead to it: pausing one pauses them all (an ERP in maintenance). */
function destinationsView(routes: readonly RouteStatusRow[], refresh: () => Promise<void>): Child {
  const byDestination = new Map<string, RouteStatusRow[]>();
  for (const route of routes) byDestination.set(route.destination, [...(byDestination.get(route.destination) ?? []), route]);
  if (byDestination.size === 0) return null;
  return table(
    "Destinations",
    ["Destination", "Routes", "State", ""],
    [...byDestination].map(([id, leading]) => {
      const paused = leading.filter((route) => route.paused).length;
      const state =
        paused === 0
          ? badge("running")
          : paused === leading.length
            ? badge("paused")
            : h("span", null, badge("paused"), ` ${paused} of ${leading.length} routes`);
      return [id, leading.map((route) => route.id).join(", "), state, pauseControls("destinations", id, paused === leading.length, refresh)];
    }),
  );
}
