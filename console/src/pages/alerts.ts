import { ALERT_KINDS, type AlertRecord } from "../admin-types.js";
import { api, query } from "../api.js";
import { type Child, h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { badge, errorNotice, field, link, notice, poll, select, table } from "../ui.js";

const PAGE_SIZE = 50;
const REFRESH_MS = 10_000;

/**
 * The failure emails sent, failed and held for a digest (`GET /alerts`), newest first, a page at
 * a time ("Older alerts" follows the answer's `next`). The newest page refreshes by itself.
 */
export function alertsPage(context: PageContext): Page {
  const known = ALERT_KINDS.some(([value]) => value === context.params.get("kind"));
  const kind = known ? context.params.get("kind")! : "";
  const before = context.params.get("before") ?? "";
  const kindPicker = select("kind", kind, [["", "Every kind"], ...ALERT_KINDS]);
  kindPicker.addEventListener("change", () => context.navigate(consolePath(["alerts"], query({ kind: kindPicker.value }))));
  const list = h("div", { "aria-live": "polite" }, "Loading alerts…");
  const load = async () => {
    // A redraw under a keyboard user's focus (a link in the table) would throw it away.
    if (list.querySelector("table") && list.contains(document.activeElement)) return;
    try {
      const { alerts, next } = await api<{ alerts: AlertRecord[]; next: string | null }>(`/alerts${query({ limit: PAGE_SIZE, kind, before })}`);
      replace(list, alerts.length === 0 ? empty(kind, before) : alertsView(alerts), pager(kind, before, next));
    } catch (error) {
      replace(list, errorNotice(error, "the alerts journal"));
    }
  };
  // An older page stays as it was read; only the newest one gains alerts.
  let stop: (() => void) | undefined;
  if (before) void load();
  else stop = poll(load, REFRESH_MS);
  const node = h(
    "section",
    null,
    h("div", { class: "page-head" }, h("h1", null, "Alerts"), field("Kind", kindPicker)),
    h(
      "p",
      { class: "updated" },
      "The emails sent to ALERT_EMAIL_TO and each route's failureEmails, those that failed, and those held for a digest.",
      before ? null : ` This page refreshes every ${REFRESH_MS / 1000} s.`,
    ),
    list,
  );
  return { title: "Alerts", node, ...(stop ? { dispose: stop } : {}) };
}

function empty(kind: string, before: string): HTMLElement {
  if (before) return notice("empty", "No older alerts.", link(consolePath(["alerts"], query({ kind })), "Back to the newest"));
  if (kind) return notice("empty", "No alerts of this kind.", "Choose “Every kind” to see the others.");
  return notice(
    "empty",
    "No alerts yet.",
    "No failure email has been sent or held. Emails go to ALERT_EMAIL_TO and each route's failureEmails, through SMTP_URL; without them no alert is sent or recorded.",
  );
}

function alertsView(alerts: readonly AlertRecord[]): HTMLElement {
  return table(
    "Alerts",
    ["At", "Kind", "Subject", "Recipients", "Status", "About"],
    alerts.map((alert) => [
      time(alert.at),
      ALERT_KINDS.find(([value]) => value === alert.kind)?.[1] ?? alert.kind,
      alert.subject,
      alert.recipients.length ? alert.recipients.join(", ") : "—",
      statusCell(alert),
      aboutCell(alert),
    ]),
  );
}

function statusCell(alert: AlertRecord): Child {
  const digest =
    alert.heldCount === undefined
      ? null
      : alert.status === "held"
        ? ` ${alert.heldCount} held for the next digest`
        : ` a digest of ${alert.heldCount}`;
  return h("span", null, badge(alert.status), digest, alert.error ? h("span", { class: "error-text" }, ` — ${alert.error}`) : null);
}

/** The event (its journey), route and source the alert is about; each opens what the console knows of it. */
function aboutCell(alert: AlertRecord): Child {
  const parts: Child[] = [];
  if (alert.eventId) parts.push(h("span", null, "event ", link(consolePath(["events", alert.eventId]), alert.eventId)));
  if (alert.routeId) parts.push(h("span", null, "route ", link(consolePath(["events"], query({ route: alert.routeId })), alert.routeId)));
  if (alert.sourceId) parts.push(h("span", null, "source ", link(consolePath(["events"], query({ source: alert.sourceId })), alert.sourceId)));
  return parts.length ? h("span", { class: "about" }, parts) : "—";
}

function pager(kind: string, before: string, next: string | null): Child {
  if (!next && !before) return null;
  return h(
    "p",
    { class: "actions" },
    before ? link(consolePath(["alerts"], query({ kind })), "← Newest") : null,
    next ? link(consolePath(["alerts"], query({ kind, before: next })), "Older alerts →") : null,
  );
}
