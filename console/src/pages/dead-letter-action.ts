import type { DeadLetterReport } from "../admin-types.js";
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { confirmDialog, errorNotice, notice } from "../ui.js";

/** One filter the admin API acts on: a route, an event id, a reason. */
export interface Target {
  readonly route?: string;
  readonly id?: string;
  readonly reason?: string;
}

/**
 * Replay or purge, always in three steps: a dry run says how many messages each target touches,
 * the operator confirms that number, then each target runs with a progress bar. Resolves true
 * when something was done (the list should be read again).
 */
export async function runAction(action: "replay" | "purge", targets: readonly Target[], what: string, progress: HTMLElement): Promise<boolean> {
  const verb = action === "replay" ? "Replay" : "Purge";
  const bar = h("progress", { max: targets.length, value: 0 });
  replace(progress, h("p", null, `Counting what ${action} would touch…`), bar);
  let matched = 0;
  try {
    for (const [index, target] of targets.entries()) {
      matched += (await api<DeadLetterReport>(`/dead-letters/${action}`, { method: "POST", body: { ...target, dryRun: true } })).matched;
      bar.value = index + 1;
    }
  } catch (error) {
    replace(progress, errorNotice(error, `the dry run of ${action}`));
    return false;
  }
  if (matched === 0) {
    replace(progress, notice("info", "Nothing to do.", `No message matches ${what} any more.`));
    return true;
  }
  const message =
    action === "replay"
      ? `${matched} message${matched === 1 ? "" : "s"} will go back to ${matched === 1 ? "its route" : "their routes"} for a new round of attempts.`
      : `${matched} message${matched === 1 ? "" : "s"} will be deleted for good. This cannot be undone.`;
  if (!(await confirmDialog(`${verb} ${what}?`, message, `${verb} ${matched}`, action === "purge"))) {
    replace(progress, notice("info", "Cancelled.", "Nothing was changed."));
    return false;
  }
  const running = h("progress", { max: targets.length, value: 0 });
  const label = h("p", null, `${action === "replay" ? "Replaying" : "Purging"}…`);
  replace(progress, label, running);
  let done = 0;
  try {
    for (const [index, target] of targets.entries()) {
      const report = await api<DeadLetterReport>(`/dead-letters/${action}`, { method: "POST", body: { ...target, dryRun: false } });
      done += action === "replay" ? report.replayed : report.purged;
      running.value = index + 1;
      replace(label, `${action === "replay" ? "Replaying" : "Purging"}… ${done} of ${matched}`);
    }
  } catch (error) {
    replace(progress, errorNotice(error, `${action} (${done} done before it failed)`));
    return true;
  }
  replace(
    progress,
    notice(
      "info",
      `${action === "replay" ? "Replayed" : "Purged"} ${done} message${done === 1 ? "" : "s"}.`,
      action === "replay" ? "Follow them on the Events page." : "",
    ),
  );
  return true;
}
