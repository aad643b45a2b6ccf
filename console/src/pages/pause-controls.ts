import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { errorNotice } from "../ui.js";

/**
 * Pause or resume a route or a destination (`POST /routes/{id}/pause`, `…/resume`). A pause asks
 * for a reason, shown to everyone on the overview; events wait in RabbitMQ meanwhile.
 */
export function pauseControls(kind: "routes" | "destinations", id: string, paused: boolean, refresh: () => Promise<void>): HTMLElement {
  const what = kind === "routes" ? "route" : "destination";
  const status = h("div", { "aria-live": "polite" });
  const reason = h("input", {
    type: "text",
    name: "reason",
    maxlength: 200,
    placeholder: "Reason (optional)",
    "aria-label": `Reason for pausing ${what} ${id}`,
  });
  const act = async (action: "pause" | "resume") => {
    replace(status, action === "pause" ? "Pausing…" : "Resuming…");
    try {
      await api(`/${kind}/${encodeURIComponent(id)}/${action}`, {
        method: "POST",
        body: action === "pause" && reason.value.trim() ? { reason: reason.value.trim() } : {},
      });
      replace(status);
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error, `${action} for ${what} ${id}`));
    }
  };
  const button = paused
    ? h("button", { type: "button", onclick: () => void act("resume"), "aria-label": `Resume ${what} ${id}` }, "Resume")
    : h("button", { type: "button", onclick: () => void act("pause"), "aria-label": `Pause ${what} ${id}` }, "Pause");
  return h("div", { class: "pause" }, paused ? null : reason, button, status);
}
