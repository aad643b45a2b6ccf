import { ApiError } from "./api.js";
import { type Child, h } from "./dom.js";

/** A page's message when there is nothing to show or something failed: what happened, and what to do. */
export function notice(kind: "error" | "empty" | "info", title: string, ...advice: Child[]): HTMLElement {
  return h(
    "div",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("strong", null, title),
    advice.length ? h("p", null, ...advice) : null,
  );
}

/** What an admin API failure means for the operator, in words. */
export function errorNotice(error: unknown, what: string): HTMLElement {
  if (!(error instanceof ApiError)) return notice("error", `Could not load ${what}.`, String(error));
  switch (error.code) {
    case "delivery_log_disabled":
      return notice(
        "info",
        "The delivery log is off in this router process.",
        "Set DELIVERY_LOG=true (and DELIVERY_LOG_PAYLOADS=true to keep payloads) and restart to see events here. ",
        error.message,
      );
    case "broker_unavailable":
      return notice(
        "error",
        `RabbitMQ could not be reached for ${what}.`,
        "Check AMQP_URL and the broker; this page tries again when you reload it. ",
        error.message,
      );
    case "network":
      return notice("error", `Could not load ${what}: the router did not answer.`, "Check that the router is running; this page retries by itself.");
    case "unauthorized":
      return notice("error", "Your session has ended.", "Sign in again.");
    case "state_store_unavailable":
      return notice(
        "error",
        `The state store is not open in this router process, so ${what} could not be done.`,
        "Pauses are kept there: check DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL) and the router's log. ",
        error.message,
      );
    case "forbidden":
      return notice("error", `The router refused ${what}.`, error.message);
    default:
      if (error.status === 404 && !error.code.startsWith("unknown_")) {
        return notice(
          "info",
          `This router does not offer ${what} (the admin API answered 404).`,
          "It comes with a newer webhook-router; upgrade the router to use it.",
        );
      }
      return notice("error", `Could not load ${what} (${error.status}).`, error.message);
  }
}

export function table(caption: string, headers: readonly string[], rows: readonly Child[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
    h(
      "table",
      null,
      h("caption", null, caption),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((text) => h("th", { scope: "col" }, text)),
        ),
      ),
      h(
        "tbody",
        null,
        rows.map((cells) =>
          h(
            "tr",
            null,
            cells.map((cell) => h("td", null, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A route or event state as a labelled badge (colour is never the only cue: the word is there). */
export function badge(state: string): HTMLElement {
  return h("span", { class: `badge badge-${state.replace(/[^a-z_]/g, "")}` }, state);
}

export function link(path: string, ...children: Child[]): HTMLAnchorElement {
  return h("a", { href: path }, ...children);
}

/**
 * An accessible modal question (`<dialog>`: focus moves in, Escape cancels). Resolves true when
 * confirmed. `fields` go inside its form (e.g. a reason), read by the caller once it resolves.
 */
export function confirmDialog(title: string, message: string, confirmLabel: string, danger = false, fields?: Child): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      h("p", null, message),
      h(
        "form",
        { method: "dialog" },
        fields,
        h(
          "div",
          { class: "actions" },
          h("button", { value: "cancel", type: "submit" }, "Cancel"),
          h("button", { value: "confirm", type: "submit", class: danger ? "danger" : "primary" }, confirmLabel),
        ),
      ),
    );
    // Enter in a field means "go ahead": the form's implicit submission would press Cancel, its first button.
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
        event.preventDefault();
        dialog.close("confirm");
      }
    });
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled form control: the label names it for screen readers and is clickable. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h("label", { class: "field" }, h("span", null, label), control, hint ? h("small", null, hint) : null);
}

export function select(name: string, value: string, options: ReadonlyArray<readonly [value: string, label: string]>): HTMLSelectElement {
  return h(
    "select",
    { name },
    options.map(([optionValue, label]) => h("option", { value: optionValue, selected: optionValue === value }, label)),
  );
}

/**
 * Runs `tick` now and every `ms` while the tab is visible; returns the stop function. One tick
 * at a time: a slow answer delays the next, never stacks them.
 */
export function poll(tick: () => Promise<void>, ms: number): () => void {
  let timer: number | undefined;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    if (document.visibilityState !== "hidden") await tick().catch(() => {});
    if (!stopped) timer = window.setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
