/** The endpoint id of `POST /api/{endpointId}` in its plain form (no escapes), else undefined. */
const PLAIN = /^\/api\/([A-Za-z0-9_.~-]+)\/?(?:\?.*)?$/;

export function plainApiTarget(url: string): string | undefined {
  if (!url.startsWith("/api/")) return undefined;
  return PLAIN.exec(url)?.[1];
}
