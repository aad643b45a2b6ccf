/**
 * The `rel="next"` target of an RFC 8288 `Link` header (`<https://…?page=2>; rel="next", <…>;
 * rel="last"`), resolved against the request's URL; undefined when there is none.
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? "";
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s,]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (rels.includes("next")) return new URL(match[1] ?? "", base).toString();
  }
  return undefined;
}
