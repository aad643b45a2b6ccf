import type { PollStatusRow } from "../admin-types.js";
import { query } from "../api.js";
import { type Child, h } from "../dom.js";
import { consolePath } from "../page.js";
import { lag } from "../lag.js";
import { time } from "../time.js";
import { badge, link, notice, table } from "../ui.js";

/**
 * The Overview's "Scheduled pulls": each polling source's state, last success, lag, last run,
 * cursor, lease holder and last error, from `GET /status` `polls`: `null` when the router could
 * not read its state store, absent from a router older than polling sources (nothing to show).
 */
export function pollsView(polls: readonly PollStatusRow[] | null | undefined): Child {
  if (polls === undefined) return null;
  const title = h("h2", { id: "polls-title" }, "Scheduled pulls");
  if (polls === null)
    return [
      title,
      notice(
        "error",
        "The state store cannot be read, so the polling sources' state is unknown.",
        "Their leases, cursors and last runs are kept there: check DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL) and the router's log.",
      ),
    ];
  if (polls.length === 0)
    return [
      title,
      notice(
        "empty",
        "No polling sources configured (kind: poll in routes/…).",
        "A source with kind: poll is pulled from an API on a schedule; see the README's Scheduled pulls.",
      ),
    ];
  return [
    title,
    table(
      "Polling sources",
      ["Source", "State", "Last success", "Lag", "Last run", "Cursor", "Lease holder", "Last error"],
      polls.map((poll) => [
        link(consolePath(["events"], query({ source: poll.source })), poll.source),
        stateCell(poll),
        time(poll.lastSuccess),
        h(
          "span",
          { title: "between the newest change seen and now: a source nobody changes lags more and more without failing" },
          lag(poll.lagSeconds),
        ),
        poll.lastRun ? `${plural(poll.lastRun.items, "item")} · ${plural(poll.lastRun.pages, "page")}` : "—",
        h("span", { title: "where the next run's window starts" }, time(poll.cursor)),
        poll.leaseHolder ?? h("span", { title: "no process holds its lease now: the next scheduler to look takes it" }, "nobody"),
        poll.lastError ? h("span", { class: "error-text" }, time(poll.lastError.at), ": ", poll.lastError.message) : "—",
      ]),
    ),
  ];
}

const STATE_WORDS: Record<PollStatusRow["state"], string> = {
  running: "polling now, in this process",
  failing: "every run has failed",
  ok: "its last run succeeded",
  pending: "not run yet",
  paused: "enabled: false, never polled",
};

function stateCell(poll: PollStatusRow): Child {
  return h(
    "span",
    null,
    badge(poll.state),
    " ",
    STATE_WORDS[poll.state] ?? "",
    poll.state === "failing" && poll.failingSince ? [" since ", time(poll.failingSince)] : null,
    // A run stopped part-way (a restart, maxPages) goes on from its next page, not from page 1.
    poll.runInProgress && poll.state !== "running" ? "; a run is unfinished and resumes at its next page" : null,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
