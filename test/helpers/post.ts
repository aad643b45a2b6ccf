import { loadRoutes } from "../../src/config/load-routes.js";
import { createSigner } from "../../src/verify/index.js";
import { EXAMPLE_SECRETS } from "./router.js";

export interface PostResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

const table = loadRoutes("routes", { ...process.env, ...EXAMPLE_SECRETS });

/** Headers the example source's real sender would attach to `body`, signed now. */
export function signFor(sourceId: string, body: Buffer | string, nowMs = Date.now()): Record<string, string> {
  const source = table.sources.get(sourceId);
  if (!source) throw new Error(`no example source ${sourceId}`);
  return createSigner(source.verify).sign(Buffer.from(body), nowMs);
}

/** POSTs raw bytes with exactly the given headers (no Content-Type unless given). */
export async function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<PostResult> {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** A correctly signed JSON POST to /webhooks/{sourceId}[/{event}]. */
export function postSigned(base: string, sourceId: string, body: string, event?: string): Promise<PostResult> {
  const path = `/webhooks/${sourceId}${event ? `/${encodeURIComponent(event)}` : ""}`;
  return post(`${base}${path}`, body, { "content-type": "application/json", ...signFor(sourceId, body) });
}
