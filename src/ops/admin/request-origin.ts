import type { Request } from "express";
import { isLoopback } from "./admin-env.js";

/**
 * Why a state-changing request is refused as cross-site, or undefined. Browsers name the page that
 * sent a request (`Origin`, `Sec-Fetch-Site`); a CLI or script sends neither and is judged by its
 * credentials alone.
 */
export function crossSiteProblem(request: Request): string | undefined {
  const site = request.get("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return `a ${site} request (Sec-Fetch-Site) cannot change anything here`;
  const origin = request.get("origin");
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not a URL`;
  }
  if (host !== request.get("host")) return `a request from ${JSON.stringify(origin.slice(0, 100))} cannot change anything here`;
  return undefined;
}

/** Whether a browser sent this request (a CLI or script names no page). */
export function fromBrowser(request: Request): boolean {
  return request.get("origin") !== undefined || request.get("sec-fetch-site") !== undefined;
}

/**
 * Without ADMIN_TOKEN the port is loopback-only, so whoever calls it types a loopback name. Any
 * other Host means a page reached it under a name of its own — DNS rebinding — and would be
 * same-origin with the console; it is refused.
 */
export function loopbackHostProblem(request: Request): string | undefined {
  const host = request.get("host") ?? "";
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  if (isLoopback(name)) return undefined;
  return `without ADMIN_TOKEN the admin API answers only requests addressed to localhost, 127.0.0.1 or [::1] (this one names ${JSON.stringify(host.slice(0, 100))}); set ADMIN_TOKEN to reach it under another name`;
}
