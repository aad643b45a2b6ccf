import type { AlertBatch } from "./alert-batch.js";
import type { PollFailedAlert } from "./alert.js";
import { type RenderContext, type RenderedEmail, SUBJECT_PREFIX, duration, errorBlock, facts, footer, time } from "./render-shared.js";

/** What each reason usually means and what to do about it. */
const ADVICE: Record<string, string> = {
  credentials:
    "the API refuses the source's credential (expired, revoked or rotated): put the new one in the variable the source's `auth` names, then restart",
  response:
    "the response no longer has the shape the source expects (the items list, an item's id or modified time): compare a response with the source's `items` and `event` settings",
  http: "the API keeps answering with an error status: check its status page; the poll retries on its own",
  timeout: "the API does not answer in time: check its status page, or raise the source's `timeout`",
  network: "the API cannot be reached: DNS, firewall or proxy between this host and it",
};

export function renderPollFailed(batch: AlertBatch, alert: PollFailedAlert, context: RenderContext): RenderedEmail {
  const { commands } = context;
  const source = alert.sourceId;
  const failingFor = duration(batch.lastAt.getTime() - alert.failingSince.getTime());
  const what = alert.reason === "credentials" ? "credential refused" : alert.reason === "response" ? "unexpected response" : "failing";
  const subject = `${SUBJECT_PREFIX} poll ${source}: ${what}${alert.status === undefined ? "" : ` (${alert.status})`}, since ${time(alert.failingSince)}`;
  const text = [
    `Polling source ${source} has failed every run since ${time(alert.failingSince)} (${failingFor}).`,
    "Its cursor has not moved: nothing is skipped, and once the cause is fixed the next run picks up",
    "every change since the last successful page.",
    "",
    facts([
      ["Source", source],
      ["Reason", alert.reason],
      ["HTTP status", alert.status],
      ["Failing since", time(alert.failingSince)],
      ["Runs failed", batch.alerts > 1 ? batch.alerts : undefined],
    ]),
    "",
    "Last error",
    errorBlock(alert.error),
    "",
    "What to do",
    `  1. ${ADVICE[alert.reason] ?? "see the error above"}.`,
    "  2. Check the poll in GET /status on the admin API (its `polls` entry: last error, cursor, lease holder).",
    "  3. Then run one poll by hand and watch it page through:",
    `       ${commands.pollRun(source)}`,
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}
