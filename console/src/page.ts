/** What a page of the console is given: its place (path and query) and how to go elsewhere. */
export interface PageContext {
  /** The path below /console/, e.g. `events/evt_1` (decoded segments in `segments`). */
  readonly segments: readonly string[];
  readonly params: URLSearchParams;
  navigate(path: string): void;
}

export interface Page {
  readonly title: string;
  readonly node: HTMLElement;
  /** Stops the page's polling when another page replaces it. */
  readonly dispose?: () => void;
}

export const BASE = "/console/";

/** A console URL from path segments (each encoded: event ids may hold any character) and a query. */
export function consolePath(segments: readonly string[], search = ""): string {
  return `${BASE}${segments.map(encodeURIComponent).join("/")}${search}`;
}
