import { readFileSync } from "node:fs";
import { loadEnv } from "../env.js";
import { loadRoutes } from "../config/load-routes.js";
import { createSigner } from "../verify/index.js";

export interface SendOptions {
  readonly sourceId: string;
  readonly fixture: string;
  readonly event?: string | undefined;
  readonly url?: string | undefined;
}

/**
 * `webhook-router send`: signs a sample body exactly as the source's sender would, with the first
 * configured secret, and posts it — how to try a route without the real sender.
 * Returns the process exit code: 0 for a 2xx, 1 otherwise.
 */
export async function send(options: SendOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnv();
  const table = loadRoutes(env.ROUTES_DIR);
  const source = table.sources.get(options.sourceId);
  if (!source) {
    throw new Error(`no source "${options.sourceId}" in ${env.ROUTES_DIR} (known: ${[...table.sources.keys()].join(", ")})`);
  }
  // The file's bytes are sent as they are: the signature covers exactly these bytes.
  const body = readFileSync(options.fixture);
  const path = `/webhooks/${encodeURIComponent(source.id)}${options.event ? `/${encodeURIComponent(options.event)}` : ""}`;
  const url = options.url ?? `http://127.0.0.1:${env.PORT}${path}`;
  const headers = { "content-type": "application/json", ...createSigner(source.verify).sign(body, Date.now()) };

  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  print(`${response.status} ${response.statusText} ${text}`);
  return response.ok ? 0 : 1;
}
