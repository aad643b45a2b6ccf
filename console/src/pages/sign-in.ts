import { ApiError, api } from "../api.js";
import { h, replace } from "../dom.js";
import type { SessionInfo } from "../admin-types.js";
import type { Page } from "../page.js";
import { field, notice } from "../ui.js";

/**
 * ADMIN_TOKEN, typed once, goes in the body of `POST /session`; the router answers with an
 * HttpOnly session cookie. The token is never put in a URL, in storage or back in the page.
 */
export function signInPage(onSignedIn: (session: SessionInfo) => void): Page {
  const input = h("input", { type: "password", name: "token", autocomplete: "current-password", required: true, autofocus: true });
  const status = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    {
      class: "sign-in",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        button.disabled = true;
        replace(status);
        try {
          const session = await api<SessionInfo>("/session", { method: "POST", body: { token: input.value } });
          input.value = "";
          onSignedIn(session);
        } catch (error) {
          const message =
            error instanceof ApiError && error.status === 401
              ? "That is not this router's ADMIN_TOKEN."
              : error instanceof ApiError
                ? error.message
                : String(error);
          replace(status, notice("error", "Not signed in.", message));
          input.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", null, "Sign in to webhook-router"),
    h("p", null, "Enter the router's admin token (ADMIN_TOKEN). The session lasts 12 hours, or until you sign out or the router restarts."),
    field("Admin token", input),
    button,
    status,
  );
  return { title: "Sign in", node: form };
}
