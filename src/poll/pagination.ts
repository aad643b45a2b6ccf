import type { PollPagination } from "../config/poll-source-schema.js";
import { compileExpression } from "./expression.js";
import { nextLink } from "./link-header.js";
import { PollError } from "./poll-error.js";

/** Where a run's next page is: stored with the run (JSON) so a restart resumes at that page. */
export interface PagePosition {
  readonly page?: number;
  readonly offset?: number;
  readonly pageToken?: string;
  /** `link`: the next URL as the API gave it. */
  readonly url?: string;
}

export interface Pager {
  readonly first: PagePosition;
  /** The size to put in `{size}`, if any. */
  readonly size: number | undefined;
  /** Where the page after this one is; undefined when this was the last. */
  next(
    position: PagePosition,
    page: { readonly items: number; readonly body: unknown; readonly headers: Headers; readonly url: string },
  ): Promise<PagePosition | undefined>;
}

/**
 * The source's pagination as a pager. `page` and `offset` stop at a page shorter than the page
 * size (or an empty one); `cursor` when the response has no next token; `link` when it has no
 * `rel="next"`. A `link` to another origin is refused: the request carries the source's credential.
 */
export function createPager(pagination: PollPagination, origin: string): Pager {
  switch (pagination.type) {
    case "none":
      return { first: {}, size: undefined, next: async () => undefined };
    case "page": {
      const { size } = pagination;
      return {
        first: { page: pagination.start },
        size,
        next: async (position, { items }) =>
          items === 0 || (size !== undefined && items < size) ? undefined : { page: (position.page ?? pagination.start) + 1 },
      };
    }
    case "offset": {
      const { size } = pagination;
      return {
        first: { offset: 0 },
        size,
        next: async (position, { items }) => (items < size || items === 0 ? undefined : { offset: (position.offset ?? 0) + items }),
      };
    }
    case "cursor": {
      const token = compileExpression(pagination.next);
      return {
        first: {},
        size: undefined,
        async next(position, { body, items }) {
          const value = await token(body);
          if (value === undefined || value === null || value === "" || value === false) return undefined;
          if (typeof value !== "string" && typeof value !== "number") {
            throw new PollError("response", `pagination.next (${pagination.next}) gave a ${typeof value}, not a token`, { atOnce: true });
          }
          // The same token again would loop forever on one page.
          if (String(value) === position.pageToken && items > 0)
            throw new PollError("response", "the API returned the same page token twice", { atOnce: true });
          return { pageToken: String(value) };
        },
      };
    }
    case "link":
      return {
        first: {},
        size: undefined,
        async next(position, { headers, url }) {
          const next = nextLink(headers.get("link"), url);
          if (next === undefined) return undefined;
          if (new URL(next).origin !== origin) {
            throw new PollError(
              "response",
              `the Link header's next page is on ${new URL(next).origin}, not ${origin}: not followed with the source's credential`,
              { atOnce: true },
            );
          }
          if (next === position.url) throw new PollError("response", "the Link header names the same page as next", { atOnce: true });
          return { url: next };
        },
      };
  }
}
