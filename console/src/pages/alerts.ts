import type { AlertRecord } from "../admin-types.js";
import { api, query } from "../api.js";
import { h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { badge, errorNotice, field, link, notice, table } from "../ui.js";

/** The failure emails sent, failed and held for a digest (`GET /alerts`), newest first, a page at a time. */
export function alertsPage(context: PageContext): Page {
  const kind = context.params.get("kind") ?? "";
  const before = context.params.get("before") ?? "";
  const kindInput = h("input", { name: "kind", value: kind, placeholder: "dead_letter", autocomplete: "off" });
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        context.navigate(consolePath(["alerts"], query({ kind: kindInput.value.trim() })));
      },
    },
    field("Kind", kindInput),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Show"), h("a", { href: consolePath(["alerts"]) }, "Clear")),
  );
  const list = h("div", { "aria-live": "polite" }, "Loading alerts…");
  void api<{ alerts: AlertRecord[]; next: string | null }>(`/alerts${query({ limit: 50, kind, before })}`)
    .then(({ alerts, next }) => {
      if (alerts.length === 0) {
        return replace(
          list,
          notice(
            "empty",
            "No alerts.",
            kind || before
              ? "Clear the filter to see every alert."
              : "No failure email has been sent or held yet. Emails go to ALERT_EMAILS and each route's failureEmails.",
          ),
        );
      }
      replace(
        list,
        table(
          "Alerts",
          ["At", "Kind", "Subject", "Recipients", "Status", "About"],
          alerts.map((alert) => [
            time(alert.at),
            alert.kind,
            alert.subject,
            alert.recipients.length ? alert.recipients.join(", ") : "—",
            h("span", null, badge(alert.status), alert.status === "held" && alert.heldCount ? ` ${alert.heldCount} for the next digest` : null),
            h(
              "span",
              null,
              alert.eventId ? link(consolePath(["events", alert.eventId]), alert.eventId) : null,
              alert.routeId ? ` route ${alert.routeId}` : null,
              alert.sourceId ? ` source ${alert.sourceId}` : null,
            ),
          ]),
        ),
        next ? h("p", null, link(consolePath(["alerts"], query({ kind, before: next })), "Older alerts →")) : null,
      );
    })
    .catch((error: unknown) => replace(list, errorNotice(error, "the alerts journal")));
  return { title: "Alerts", node: h("section", null, h("h1", null, "Alerts"), form, list) };
}
