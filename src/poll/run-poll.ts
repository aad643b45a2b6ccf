import type { EventSink } from "../contracts/event-sink.js";
import type { PollObserver } from "../contracts/poll-observer.js";
import type { PollLease, PollStore } from "../state/poll-store.js";
import type { CompiledPoll } from "./compile-poll.js";
import { fetchPage } from "./fetch-page.js";
import type { PagePosition } from "./pagination.js";
import { PollError } from "./poll-error.js";
import type { PolledItem } from "./polled-item.js";
import { buildUrl, describeUrl, requestHeaders } from "./request-url.js";

/** A run's position as stored: the next page, and what the run has done so far. */
interface StoredRun extends PagePosition {
  readonly pages: number;
  readonly items: number;
}

export interface RunProgress {
  readonly pages: number;
  /** Items published by this run. */
  readonly items: number;
  /** Items skipped as already published (an overlapping window). */
  readonly skipped: number;
  readonly request: string;
}

export interface RunOptions {
  readonly store: PollStore;
  readonly lease: PollLease;
  readonly sink: EventSink;
  readonly observer?: PollObserver | undefined;
  /** A backfill (`poll run --since`): this window, leaving a scheduled run's position alone. */
  readonly since?: number | undefined;
  /** With `since`: set the cursor from this run even if that moves it back. */
  readonly resetCursor?: boolean;
  /** Checked before each page: shutdown, or the lease lost. */
  readonly shouldStop: () => boolean;
  /** Waits between retries; resolves false when the run should stop instead. */
  readonly pause: (ms: number) => Promise<boolean>;
  /** Aborts a request in hand at shutdown. */
  readonly stop?: AbortSignal | undefined;
  readonly onPage?: (progress: RunProgress) => void;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

export interface RunSummary {
  readonly pages: number;
  readonly items: number;
  readonly skipped: number;
  readonly highWaterMs: number | undefined;
  /** `stopped`: shut down between pages; `partial`: maxPages reached, the next run goes on from there. */
  readonly end: "complete" | "stopped" | "partial";
}

/**
 * One poll run: page after page from the window's start, every new item published through the
 * sink (broker confirm or spool fsync) before the page is committed. The commit — the run's next
 * position, the greatest `modified` seen, the page's items — is one fenced write: a process that
 * lost the lease writes nothing (LeaseLostError) and stops. A crash repeats at most the page in
 * hand; its items then carry the same ids. At the end the cursor moves to the greatest `modified`
 * seen less the overlap, never to "now" (the API's clock is not ours).
 */
export async function runPoll(poll: CompiledPoll, options: RunOptions): Promise<RunSummary> {
  const { source, pager } = poll;
  const { store, lease, sink, observer } = options;
  const now = options.now ?? Date.now;
  const state = await store.read(source.id);
  const backfill = options.since !== undefined;
  const resumed = !backfill && state?.run ? (JSON.parse(state.run.position) as StoredRun) : undefined;
  const sinceMs = options.since ?? (resumed ? state!.run!.sinceMs : (state?.cursorMs ?? Date.parse(source.cursor.initial)));
  const cursorText = new Date(sinceMs).toISOString();
  let position: PagePosition | undefined = resumed ? positionOf(resumed) : pager.first;
  let highWaterMs = state?.highWaterMs;
  let pages = resumed?.pages ?? 0;
  let items = resumed?.items ?? 0;
  let skipped = 0;
  const headers = requestHeaders(source.request.headers, source.request.auth);
  const fetchOptions = { headers, timeoutMs: source.timeout, maxBytes: source.maxBody, pause: options.pause, stop: options.stop };

  for (let inRun = 0; position !== undefined; inRun += 1) {
    if (inRun >= source.maxPages) return { pages, items, skipped, highWaterMs, end: "partial" };
    if (options.shouldStop()) return { pages, items, skipped, highWaterMs, end: "stopped" };
    const url = urlFor(poll, position, cursorText);
    const page = await fetchPage(url, fetchOptions);
    const list = await poll.items(page.body);
    if (!Array.isArray(list)) {
      throw new PollError("response", `${describeUrl(url)}: items (${source.items}) found no list in the response`, { atOnce: true });
    }
    // Every item read before any is published: a page with a bad item publishes nothing.
    const read: PolledItem[] = [];
    for (const [index, item] of list.entries()) read.push(await poll.readItem(item, index));
    const fresh = await unseen(store, source.id, read);
    skipped += read.length - fresh.length;
    if (options.shouldStop()) return { pages, items, skipped, highWaterMs, end: "stopped" };
    const vias = await Promise.all(fresh.map((item) => sink.accept(item.event)));
    fresh.forEach((item, index) => observer?.published(source.id, item.event, vias[index]!));
    for (const item of read) highWaterMs = highWaterMs === undefined ? item.modifiedMs : Math.max(highWaterMs, item.modifiedMs);
    const next = await pager.next(position, { items: list.length, body: page.body, headers: page.headers, url });
    pages += 1;
    items += fresh.length;
    const run = backfill ? undefined : { sinceMs, position: JSON.stringify({ ...(next ?? position), pages, items } satisfies StoredRun) };
    await store.commitPage(lease, { highWaterMs, run, seen: fresh.map((item) => ({ eventId: item.event.id, modifiedMs: item.modifiedMs })) });
    observer?.page(source.id, fresh.length);
    options.onPage?.({ pages, items, skipped, request: describeUrl(url) });
    position = next;
  }
  const cursorMs = highWaterMs === undefined ? undefined : highWaterMs - source.cursor.overlap;
  const at = now();
  await store.finishRun(lease, { cursorMs, highWaterMs, items, pages, at, force: backfill && options.resetCursor === true, keepRun: backfill });
  observer?.succeeded(source.id, { items, pages, highWaterMs, at: new Date(at) });
  return { pages, items, skipped, highWaterMs, end: "complete" };
}

function positionOf(run: StoredRun): PagePosition {
  const { pages: _pages, items: _items, ...position } = run;
  return position;
}

/** The page's URL: the API's own `Link` URL (with a `query` credential put back), or the template filled. */
function urlFor(poll: CompiledPoll, position: PagePosition, cursor: string): string {
  const { request, pagination } = poll.source;
  if (position.url !== undefined) {
    const url = new URL(position.url);
    if (request.auth?.type === "query") url.searchParams.set(request.auth.name, request.auth.value);
    return url.toString();
  }
  return buildUrl(
    request.url,
    { cursor, page: position.page, offset: position.offset, size: poll.pager.size, pageToken: position.pageToken },
    pagination,
    request.auth,
  );
}

/** The items not published yet (by an earlier, overlapping window), each id once. */
async function unseen(store: PollStore, sourceId: string, read: readonly PolledItem[]): Promise<PolledItem[]> {
  const known = await store.seen(
    sourceId,
    read.map((item) => item.event.id),
  );
  const fresh: PolledItem[] = [];
  for (const item of read) {
    if (known.has(item.event.id)) continue;
    known.add(item.event.id);
    fresh.push(item);
  }
  return fresh;
}
