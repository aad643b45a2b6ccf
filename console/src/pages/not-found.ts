import { h } from "../dom.js";
import type { Page } from "../page.js";
import { link, notice } from "../ui.js";

export function notFoundPage(): Page {
  return {
    title: "Not found",
    node: h(
      "section",
      null,
      h("h1", null, "No such page"),
      notice("empty", "This console has no page at this address.", "Go to the ", link("/console/", "overview"), "."),
    ),
  };
}
