import { alertsPage } from "./pages/alerts.js";
import { deadLettersPage } from "./pages/dead-letters.js";
import { eventsPage } from "./pages/events.js";
import { journeyPage } from "./pages/journey.js";
import { overviewPage } from "./pages/overview.js";
import { notFoundPage } from "./pages/not-found.js";
import { BASE, type Page, type PageContext } from "./page.js";

/** The page for a location: routing by path, so every page (a journey too) has a URL to share. */
export function pageFor(context: PageContext): Page {
  const [first, second, ...rest] = context.segments;
  if (first === undefined || first === "") return overviewPage(context);
  if (first === "events" && second === undefined) return eventsPage(context);
  if (first === "events" && second !== undefined && rest.length === 0) return journeyPage(context, second);
  if (first === "dead-letters" && second === undefined) return deadLettersPage(context);
  if (first === "alerts" && second === undefined) return alertsPage(context);
  return notFoundPage();
}

/** The location's segments below /console/, decoded; undefined outside the console. */
export function segmentsOf(pathname: string): string[] | undefined {
  if (!pathname.startsWith(BASE)) return undefined;
  const rest = pathname.slice(BASE.length).replace(/\/$/, "");
  try {
    return rest === "" ? [] : rest.split("/").map(decodeURIComponent);
  } catch {
    return ["\u0000malformed"];
  }
}

export const NAVIGATION: ReadonlyArray<readonly [path: string, label: string, section: string]> = [
  [BASE, "Overview", ""],
  [`${BASE}events`, "Events", "events"],
  [`${BASE}dead-letters`, "Dead letters", "dead-letters"],
  [`${BASE}alerts`, "Alerts", "alerts"],
];
