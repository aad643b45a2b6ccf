import type { SessionInfo } from "./admin-types.js";
import { ApiError, api, setCsrfToken, whenUnauthorized } from "./api.js";
import { h, replace } from "./dom.js";
import { BASE, type Page } from "./page.js";
import { signInPage } from "./pages/sign-in.js";
import { NAVIGATION, pageFor, segmentsOf } from "./router.js";
import { errorNotice } from "./ui.js";

const root = document.getElementById("app")!;
let current: Page | undefined;
let session: SessionInfo | undefined;

function navigate(path: string): void {
  history.pushState(null, "", path);
  render(true);
}

/** Draws the page for the current URL inside the shell; focus moves to it after a navigation. */
function render(moveFocus: boolean): void {
  current?.dispose?.();
  current = undefined;
  const segments = segmentsOf(location.pathname) ?? [];
  const main = h("main", { id: "main", tabindex: -1 });
  replace(root, shell(segments[0] ?? ""), main);
  current = pageFor({ segments, params: new URLSearchParams(location.search), navigate });
  document.title = `${current.title} · webhook-router`;
  main.append(current.node);
  if (moveFocus) main.focus();
}

function shell(section: string): HTMLElement {
  return h(
    "header",
    { class: "shell" },
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("span", { class: "brand" }, "webhook-router"),
    h(
      "nav",
      { "aria-label": "Console" },
      h(
        "ul",
        null,
        NAVIGATION.map(([path, label, key]) => h("li", null, h("a", { href: path, "aria-current": key === section ? "page" : null }, label))),
      ),
    ),
    session?.tokenRequired ? h("button", { type: "button", class: "sign-out", onclick: () => void signOut() }, "Sign out") : null,
  );
}

async function signOut(): Promise<void> {
  await api("/session", { method: "DELETE" }).catch(() => {});
  setCsrfToken(undefined);
  showSignIn();
}

function showSignIn(): void {
  current?.dispose?.();
  current = signInPage((signedIn) => {
    session = signedIn;
    setCsrfToken(signedIn.csrfToken);
    render(true);
  });
  document.title = `${current.title} · webhook-router`;
  replace(root, h("main", { id: "main", tabindex: -1 }, current.node));
  root.querySelector("input")?.focus();
}

async function boot(): Promise<void> {
  whenUnauthorized(showSignIn);
  // Links inside the console change the page without a reload; others (and modified clicks) are left alone.
  document.addEventListener("click", (event) => {
    const anchor = (event.target as Element | null)?.closest?.("a");
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const href = anchor.getAttribute("href") ?? "";
    if (!href.startsWith(BASE)) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener("popstate", () => render(true));
  try {
    session = await api<SessionInfo>("/session");
  } catch (error) {
    replace(
      root,
      h(
        "main",
        { id: "main" },
        h("h1", null, "webhook-router console"),
        errorNotice(error instanceof ApiError ? error : String(error), "the session"),
      ),
    );
    return;
  }
  if (!session.signedIn) return showSignIn();
  setCsrfToken(session.csrfToken);
  render(false);
}

void boot();
