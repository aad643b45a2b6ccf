import type { Journey } from "../admin-types.js";
import { api } from "../api.js";
import { type Child, h, replace } from "../dom.js";
import { consolePath, type Page } from "../page.js";
import { duration, time } from "../time.js";
import { badge, errorNotice, link, notice, poll, table } from "../ui.js";

const REFRESH_MS = 3000;

/** One event's journey: receipt, each route's attempts (replays too), and the payload when kept. */
export function journeyPage(_context: unknown, id: string): Page {
  const receipt = h("div");
  const routes = h("div");
  const payload = h("div");
  let payloadShown = false;
  const stop = poll(async () => {
    try {
      const journey = await api<Journey>(`/events/${encodeURIComponent(id)}`);
      replace(receipt, receiptView(journey));
      if (!routes.contains(document.activeElement)) replace(routes, routesView(journey));
      // Drawn once: redrawing would fold a payload the reader opened.
      if (!payloadShown) replace(payload, payloadView(journey.payload));
      payloadShown = true;
    } catch (error) {
      replace(routes, errorNotice(error, `event ${id}`));
    }
  }, REFRESH_MS);
  const node = h(
    "section",
    null,
    h("p", null, link(consolePath(["events"]), "← Events")),
    h("h1", null, "Event ", h("code", { class: "event-id" }, id)),
    copyLink(),
    receipt,
    h("h2", null, "Routes"),
    routes,
    payload,
    h("p", null, link(consolePath(["dead-letters"], `?id=${encodeURIComponent(id)}`), "This event's dead letters")),
  );
  return { title: `Event ${id}`, node, dispose: stop };
}

/** Copies this page's address; where the clipboard is not allowed (plain http off loopback), shows it selected. */
function copyLink(): HTMLElement {
  const status = h("span", { "aria-live": "polite", class: "copied" });
  const button = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(location.href);
          replace(status, "Link copied.");
        } catch {
          const input = h("input", { type: "text", readonly: true, value: location.href, "aria-label": "Link to this event" });
          replace(status, input);
          input.select();
        }
      },
    },
    "Copy link",
  );
  return h("p", null, button, " ", status);
}

function receiptView(journey: Journey): HTMLElement {
  const facts: Array<[string, Child]> = [
    ["Source", journey.source ?? "— (no receipt in this log)"],
    ["Type", journey.type ?? "—"],
    ["Subject", journey.subject ?? "—"],
    ["Event time", time(journey.time)],
    ["Received", time(journey.receivedAt)],
    ["Taken to", journey.via ?? "—"],
    ["Receipts", String(journey.receipts)],
  ];
  return h(
    "dl",
    { class: "facts" },
    facts.map(([term, value]) => [h("dt", null, term), h("dd", null, value)]),
  );
}

function routesView(journey: Journey): Child {
  if (journey.routes.length === 0)
    return notice(
      "empty",
      "No route took this event.",
      journey.via === "rejected" ? "It was refused for its request schema (422)." : "Check the routes' `events` patterns against its type.",
    );
  return journey.routes.map((route) =>
    h(
      "section",
      { class: "route" },
      h(
        "h3",
        null,
        route.route,
        " ",
        badge(route.state),
        " ",
        h("small", null, `${route.attempts} attempt${route.attempts === 1 ? "" : "s"}, updated `, time(route.updatedAt)),
      ),
      table(
        `Attempts on ${route.route}`,
        ["#", "At", "Outcome", "HTTP", "Latency", "Reason", "Error", "Next try in"],
        route.history.map((attempt) => [
          String(attempt.attempt),
          time(attempt.at),
          badge(attempt.outcome),
          attempt.status === null ? "—" : String(attempt.status),
          duration(attempt.latencyMs),
          attempt.reason ?? "—",
          attempt.error ? h("span", { class: "error-text" }, attempt.error) : "—",
          attempt.delayMs === null ? "—" : duration(attempt.delayMs),
        ]),
      ),
      route.state === "dead"
        ? h(
            "p",
            null,
            link(
              consolePath(["dead-letters"], `?route=${encodeURIComponent(route.route)}&id=${encodeURIComponent(journey.id)}`),
              "Replay or purge this dead letter",
            ),
          )
        : null,
    ),
  );
}

function payloadView(payload: string | null): HTMLElement {
  if (payload === null)
    return notice(
      "info",
      "The payload is not kept.",
      "Set DELIVERY_LOG_PAYLOADS=true to keep the payloads of new events (they may hold personal data).",
    );
  let pretty = payload;
  try {
    pretty = JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    // Not JSON: shown exactly as received.
  }
  return h(
    "details",
    { class: "payload", open: true },
    h("summary", null, `Payload (${payload.length} characters)`),
    h("pre", { tabindex: 0 }, h("code", null, pretty)),
  );
}
