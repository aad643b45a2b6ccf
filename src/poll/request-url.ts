import type { PollAuth, PollPagination } from "../config/poll-source-schema.js";

/** One request's values for the URL template's placeholders. */
export interface PageValues {
  readonly cursor: string;
  readonly page?: number | undefined;
  readonly offset?: number | undefined;
  readonly size?: number | undefined;
  readonly pageToken?: string | undefined;
}

/**
 * Fills the template (each value URL-encoded), appends the page parameter when the template does
 * not place it, and adds a `query` credential. The template was checked at start: placeholders
 * only after the host, only known names.
 */
export function buildUrl(template: string, values: PageValues, pagination: PollPagination, auth: PollAuth | undefined): string {
  let placed = false;
  const filled = template.replace(/\{([A-Za-z]+)\}/g, (_, name: keyof PageValues) => {
    if (name === "page" || name === "offset" || name === "pageToken") placed = true;
    const value = values[name];
    return value === undefined ? "" : encodeURIComponent(String(value));
  });
  const url = new URL(filled);
  if (!placed && "param" in pagination) {
    const value = pagination.type === "page" ? values.page : pagination.type === "offset" ? values.offset : values.pageToken;
    if (value !== undefined) url.searchParams.set(pagination.param, String(value));
  }
  if (auth?.type === "query") url.searchParams.set(auth.name, auth.value);
  return url.toString();
}

/** The headers with the credential; `basic` and `bearer` in `Authorization`. */
export function requestHeaders(headers: Readonly<Record<string, string>>, auth: PollAuth | undefined): Record<string, string> {
  const all: Record<string, string> = { accept: "application/json", ...headers };
  if (auth?.type === "bearer") all.authorization = `Bearer ${auth.token}`;
  if (auth?.type === "basic") all.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  if (auth?.type === "header") all[auth.name] = auth.value;
  return all;
}

/** How a request is named in logs, errors and emails: origin and path, never the query (it may hold a key or a token). */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `GET ${parsed.origin}${parsed.pathname}`;
}
