import type { Resumed } from "../admin-types.js";
import { api } from "../api.js";
import { type Child, h } from "../dom.js";
import { confirmDialog, errorNotice, field, notice } from "../ui.js";

/** What the buttons need from their page: redraw with the new state, and tell the operator what happened. */
export interface PauseHooks {
  refresh(): Promise<void>;
  /** Shows a message above the tables (they are redrawn every few seconds; a message in a row would vanish). */
  say(message: Child): void;
}

export type PauseTarget =
  | { readonly kind: "routes"; readonly id: string; readonly paused: boolean; readonly destination: string }
  | { readonly kind: "destinations"; readonly id: string; readonly paused: boolean; readonly routes: readonly string[] };

/**
 * Pause (after a confirmation that asks for a reason) or resume a route or a destination:
 * `POST /routes/{id}/pause|resume`, `POST /destinations/{id}/pause|resume`. Events wait in
 * RabbitMQ meanwhile.
 */
export function pauseButton(target: PauseTarget, hooks: PauseHooks): HTMLElement {
  const what = target.kind === "routes" ? "route" : "destination";
  const label = `${target.paused ? "Resume" : "Pause"} ${what} ${target.id}`;
  return h(
    "button",
    {
      type: "button",
      "aria-label": label,
      title: label,
      "data-target": targetKey(target),
      onclick: () => void (target.paused ? resume(target, hooks) : pause(target, hooks)),
    },
    target.paused ? "Resume" : "Pause",
  );
}

async function pause(target: PauseTarget, hooks: PauseHooks): Promise<void> {
  const what = target.kind === "routes" ? "route" : "destination";
  const reason = h("input", {
    type: "text",
    name: "reason",
    maxlength: 500,
    autocomplete: "off",
    placeholder: "e.g. ERP in maintenance until 16:00",
  });
  const held =
    target.kind === "routes"
      ? "No worker process will take its events within a few seconds"
      : `Every route to it (${target.routes.join(", ") || "none yet"}) stops within a few seconds`;
  const confirmed = await confirmDialog(
    `Pause ${what} ${target.id}?`,
    `${held}: they wait in RabbitMQ, nothing is lost and no retry is spent, until it is resumed. Deliveries already under way finish.`,
    `Pause ${what}`,
    false,
    field("Reason (optional)", reason, "Shown on this page, by webhook-router routes list and in the workers' logs."),
  );
  if (!confirmed) return;
  try {
    const text = reason.value.trim();
    await api(`/${target.kind}/${encodeURIComponent(target.id)}/pause`, { method: "POST", body: text ? { reason: text } : {} });
    hooks.say(
      notice("info", `Paused ${what} ${target.id}.`, "Its events wait in RabbitMQ: the Waiting count shows them. Resume it to deliver them."),
    );
  } catch (error) {
    hooks.say(errorNotice(error, `the pause of ${what} ${target.id}`));
  }
  await settle(target, hooks);
}

async function resume(target: PauseTarget, hooks: PauseHooks): Promise<void> {
  const what = target.kind === "routes" ? "route" : "destination";
  try {
    const answer = await api<Resumed>(`/${target.kind}/${encodeURIComponent(target.id)}/resume`, { method: "POST", body: {} });
    if (target.kind === "routes" && answer.stillPausedBy === "destination") {
      hooks.say(
        notice(
          "info",
          `Route ${target.id}'s own pause is lifted, but it is still paused: its destination ${target.destination} is paused.`,
          `Its events keep waiting until destination ${target.destination} is resumed (see Destinations).`,
        ),
      );
    } else {
      hooks.say(notice("info", `Resumed ${what} ${target.id}.`, "Its waiting events are being delivered."));
    }
  } catch (error) {
    hooks.say(errorNotice(error, `the resume of ${what} ${target.id}`));
  }
  await settle(target, hooks);
}

function targetKey(target: PauseTarget): string {
  return `${target.kind}/${target.id}`;
}

/** Redraws, and puts a keyboard user back on the target's new button (the old one, and the dialog's return point, are gone). */
async function settle(target: PauseTarget, hooks: PauseHooks): Promise<void> {
  await hooks.refresh();
  document.querySelector<HTMLElement>(`[data-target="${CSS.escape(targetKey(target))}"]`)?.focus();
}
