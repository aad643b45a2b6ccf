import { PollError } from "./poll-error.js";
import { describeUrl } from "./request-url.js";

export interface FetchedPage {
  readonly body: unknown;
  readonly headers: Headers;
}

export interface FetchOptions {
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Called between retries with how long it will wait; resolves false to stop (shutdown). */
  readonly pause: (ms: number) => Promise<boolean>;
  /** Aborts the request in hand (shutdown): the page is not committed, and repeated by the next run. */
  readonly stop?: AbortSignal | undefined;
}

/** Attempts per page within a run: a blip should not cost a whole `every` interval. */
const ATTEMPTS = 3;
const BACKOFF_MS = [1_000, 5_000];
/** A `Retry-After` longer than this fails the run instead; the next run comes on schedule. */
const MAX_RETRY_AFTER_MS = 60_000;

/** GETs one page, retrying transient failures twice, and parses its JSON. @throws PollError */
export async function fetchPage(url: string, options: FetchOptions): Promise<FetchedPage> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchOnce(url, options);
    } catch (error) {
      if (!(error instanceof PollError) || !error.retryable || attempt >= ATTEMPTS) throw error;
      const wait = error.options.retryAfterMs ?? BACKOFF_MS[attempt - 1] ?? 5_000;
      if (wait > MAX_RETRY_AFTER_MS || !(await options.pause(wait))) throw error;
    }
  }
}

async function fetchOnce(url: string, options: FetchOptions): Promise<FetchedPage> {
  const what = describeUrl(url);
  let response: Response;
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.stop ? AbortSignal.any([deadline, options.stop]) : deadline;
  try {
    response = await fetch(url, { headers: options.headers, signal, redirect: "error" });
  } catch (error) {
    if (options.stop?.aborted) throw new PollError("network", `${what}: stopped (shutdown)`);
    if (signal.aborted) throw new PollError("timeout", `${what}: no answer within ${options.timeoutMs} ms`, { retryable: true });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PollError("network", `${what}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { retryable: true });
  }
  const text = await readLimited(response, options.maxBytes, what, signal);
  const status = response.status;
  if (status === 401 || status === 403) {
    throw new PollError("credentials", `${what} answered ${status}: the credential is refused (${excerpt(text)})`, { status, atOnce: true });
  }
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get("retry-after"));
    throw new PollError("http", `${what} answered ${status} (${excerpt(text)})`, {
      status,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status < 200 || status >= 300) {
    throw new PollError("http", `${what} answered ${status} (${excerpt(text)})`, { status, atOnce: true });
  }
  try {
    return { body: JSON.parse(text), headers: response.headers };
  } catch {
    throw new PollError("response", `${what} answered ${status} with a body that is not JSON (${excerpt(text)})`, { status, atOnce: true });
  }
}

async function readLimited(response: Response, maxBytes: number, what: string, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new PollError("response", `${what}: the response (${declared} bytes) is over maxBody (${maxBytes})`, { atOnce: true });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new PollError("response", `${what}: the response is over maxBody (${maxBytes} bytes)`, { atOnce: true });
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PollError) throw error;
    if (signal.aborted) throw new PollError("timeout", `${what}: the response did not finish in time`, { retryable: true });
    throw new PollError("network", `${what}: the response broke off (${(error as Error).message})`, { retryable: true });
  }
  return Buffer.concat(chunks).toString("utf8");
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The start of an error body, on one line: enough to recognize `{"status":401,"message":…}`. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line || "empty body";
}
