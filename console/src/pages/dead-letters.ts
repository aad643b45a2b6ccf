import type { DeadLetter, DeadLetterReport, Status } from "../admin-types.js";
import { api, query } from "../api.js";
import { h, replace } from "../dom.js";
import { consolePath, type Page, type PageContext } from "../page.js";
import { time } from "../time.js";
import { errorNotice, field, link, notice, select, table } from "../ui.js";
import { runAction, type Target } from "./dead-letter-action.js";

const REASONS = ["exhausted", "permanent", "credentials", "mapping", "poison", "delivery_limit"] as const;
const LISTED = 500;

/** Dead letters per route and reason: replay or purge one, a selection, or all that match the filter. */
export function deadLettersPage(context: PageContext): Page {
  const filter = { route: context.params.get("route") ?? "", reason: context.params.get("reason") ?? "", id: context.params.get("id") ?? "" };
  const routeSelect = select("route", filter.route, [["", "Every route"]]);
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const text = (name: string) => String(data.get(name) ?? "").trim();
        context.navigate(consolePath(["dead-letters"], query({ route: text("route"), reason: text("reason"), id: text("id") })));
      },
    },
    field("Route", routeSelect),
    field("Reason", select("reason", filter.reason, [["", "Any reason"], ...REASONS.map((reason) => [reason, reason] as const)])),
    field("Event id", h("input", { name: "id", value: filter.id, autocomplete: "off" })),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Show"),
      h("a", { href: consolePath(["dead-letters"]) }, "Clear"),
    ),
  );
  void api<Status>("/status?since=1m")
    .then((status) => {
      for (const route of status.routes) routeSelect.append(h("option", { value: route.id, selected: route.id === filter.route }, route.id));
    })
    .catch(() => {});
  const list = h("div", null, "Reading the dead-letter queues…");
  const progress = h("div", { class: "progress-box", "aria-live": "polite" });
  const load = async () => {
    try {
      const report = await api<DeadLetterReport>(`/dead-letters${query({ ...filter, limit: LISTED })}`);
      replace(list, listView(report, filter, progress, load));
    } catch (error) {
      replace(list, errorNotice(error, "the dead letters"));
    }
  };
  void load();
  return { title: "Dead letters", node: h("section", null, h("h1", null, "Dead letters"), form, progress, list) };
}

function listView(report: DeadLetterReport, filter: Record<string, string>, progress: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const filterTarget: Target = {
    ...(filter.route ? { route: filter.route } : {}),
    ...(filter.reason ? { reason: filter.reason } : {}),
    ...(filter.id ? { id: filter.id } : {}),
  };
  const act = async (action: "replay" | "purge", targets: Target[], what: string) => {
    if (await runAction(action, targets, what, progress)) await reload();
  };
  if (report.matched === 0) {
    return notice(
      "empty",
      "No dead letters match.",
      filter.route || filter.reason || filter.id
        ? "Clear the filter to see every route's dead letters."
        : "Every event was delivered, filtered or is still being retried.",
    );
  }
  const boxes: Array<[HTMLInputElement, DeadLetter]> = [];
  const selected = () => boxes.filter(([box]) => box.checked).map(([, letter]) => letter);
  const letterTarget = (letter: DeadLetter): Target => ({ route: letter.routeId, ...(letter.eventId ? { id: letter.eventId } : {}) });
  const rows = report.letters.map((letter) => {
    const box = h("input", {
      type: "checkbox",
      "aria-label": `Select dead letter ${letter.eventId ?? "(no id)"} of ${letter.routeId}`,
      disabled: !letter.eventId,
    });
    boxes.push([box, letter]);
    const one = `the dead letter ${letter.eventId ?? ""} of route ${letter.routeId}`;
    return [
      box,
      letter.routeId,
      letter.eventId ? link(consolePath(["events", letter.eventId]), letter.eventId) : "(no id)",
      letter.type ?? "—",
      letter.reason,
      h("span", { class: "error-text" }, letter.error),
      letter.status === undefined ? "—" : String(letter.status),
      letter.attempts === undefined ? "—" : String(letter.attempts),
      time(letter.failedAt),
      letter.eventId
        ? h(
            "div",
            { class: "row-actions" },
            h("button", { type: "button", onclick: () => void act("replay", [letterTarget(letter)], one) }, "Replay"),
            h("button", { type: "button", class: "danger", onclick: () => void act("purge", [letterTarget(letter)], one) }, "Purge"),
          )
        : null,
    ];
  });
  const withSelection = (action: "replay" | "purge") => () => {
    const letters = selected();
    if (letters.length === 0) return replace(progress, notice("info", "Nothing selected.", "Tick the dead letters to act on first."));
    void act(action, letters.map(letterTarget), `${letters.length} selected dead letter${letters.length === 1 ? "" : "s"}`);
  };
  const everything = `every dead letter matching this filter${filter.route ? "" : " on every route"}`;
  return h(
    "div",
    null,
    h(
      "p",
      null,
      `${report.matched} dead letter${report.matched === 1 ? "" : "s"} match`,
      report.truncated ? ` (the first ${report.letters.length} are listed).` : ".",
    ),
    h(
      "div",
      { class: "bulk", role: "group", "aria-label": "Act on dead letters" },
      h("button", { type: "button", onclick: withSelection("replay") }, "Replay selected"),
      h("button", { type: "button", class: "danger", onclick: withSelection("purge") }, "Purge selected"),
      h("button", { type: "button", onclick: () => void act("replay", [filterTarget], everything) }, "Replay all matching"),
      filterTarget.route || filterTarget.id
        ? h("button", { type: "button", class: "danger", onclick: () => void act("purge", [filterTarget], everything) }, "Purge all matching")
        : h("span", { class: "hint" }, "To purge everything matching, choose a route first."),
    ),
    summaryView(report),
    table("Dead letters", ["", "Route", "Event", "Type", "Reason", "Error", "HTTP", "Attempts", "Failed at", "Actions"], rows),
  );
}

/** How many letters each route holds for each reason, each count a link to that filter. */
function summaryView(report: DeadLetterReport): HTMLElement | null {
  const counts = new Map<string, { route: string; reason: string; count: number }>();
  for (const letter of report.letters) {
    const key = `${letter.routeId}\u0000${letter.reason}`;
    const entry = counts.get(key) ?? { route: letter.routeId, reason: letter.reason, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  if (counts.size < 2) return null;
  return table(
    report.truncated ? "By route and reason (of the letters listed)" : "By route and reason",
    ["Route", "Reason", "Letters"],
    [...counts.values()].map(({ route, reason, count }) => [
      route,
      reason,
      link(consolePath(["dead-letters"], query({ route, reason })), String(count)),
    ]),
  );
}
