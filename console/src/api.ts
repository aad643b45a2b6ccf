/** An admin API answer other than 2xx: its stable `error` code and its message in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let onUnauthorized: () => void = () => {};

/** The session's CSRF token, given by GET /session or sign-in; kept in memory only. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a request answers 401: the session expired or was signed out elsewhere. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/**
 * Calls the admin API on this origin with the session cookie. Changes carry the CSRF token in
 * `X-CSRF-Token`; the cookie itself is HttpOnly and never seen here.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, "network", "The router did not answer. Is it running, and is this the admin port (ADMIN_PORT)?");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
  const failure = new ApiError(
    response.status,
    typeof error === "string" ? error : `http_${response.status}`,
    typeof message === "string" ? message : `${method} ${path} answered ${response.status}`,
  );
  if (response.status === 401 && path !== "/session") onUnauthorized();
  throw failure;
}

/** A query string from the set fields only. */
export function query(fields: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== "") params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
