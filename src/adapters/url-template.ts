import { parseTemplate, problemOf, TemplateValueError, valueAt, type Template } from "./template.js";

/** Scheme and authority: everything a placeholder may not touch. */
const ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
/** A path segment URL parsing reads as `.` or `..` (WHATWG: `%2e` counts as a dot). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

type Piece =
  | { readonly text: string; readonly pathShare: string }
  | {
      readonly path: readonly string[];
      readonly name: string;
      /** Which `/`-separated segment of the path it fills (the first `/` opens segment 1); -1 past the path. */
      readonly segment: number;
    };

/**
 * Compiles an http(s) URL template (`https://x/orders/{event.data.orderId}/lines?by={event.id}`)
 * once per destination or enrichment step. Every value is encoded with encodeURIComponent, so it
 * cannot add a `/`, `?`, `#` or `&`. Three more rules keep a value from sending the call, with the
 * destination's credentials, anywhere the template does not say:
 * - placeholders stand only after the host (in the path, query or fragment): checked here, so a
 *   template with one in the scheme, host, port or user info stops the process at start;
 * - a path segment a value fills must not read as `.` or `..` (URL parsing removes or climbs it,
 *   and `%2e` counts as a dot), and no value may be empty: a TemplateValueError for this event;
 * - the URL as parsed keeps the template's origin and its path up to the first placeholder.
 */
export function compileUrlTemplate(template: string): Template {
  const parts = parseTemplate(template);
  const head = parts[0] as string;
  const origin = ORIGIN.exec(head)?.[0];
  if (origin === undefined) throw new Error("expected an absolute http:// or https:// URL");
  if (parts.length === 1) return () => template;
  if (origin.length === head.length) {
    throw new Error("a placeholder may only stand after the host (in the path or the query), never in the scheme, host, port or user info");
  }
  const staticOrigin = new URL(head).origin;
  // The path the template promises up to its first placeholder, as URL parsing spells it.
  const headPath = head.slice(origin.length).split(/[?#]/)[0] ?? "";
  const pathPrefix = new URL(`${origin}${headPath.slice(0, headPath.lastIndexOf("/") + 1)}`).pathname;

  // Each piece of the template with its share of the path: values in the query or the fragment
  // may be anything (encoded), values in the path must not make dot segments.
  const pieces: Piece[] = [];
  let inPath = true;
  let pathSoFar = "";
  parts.forEach((part, index) => {
    if (typeof part !== "string") {
      const segment = inPath ? pathSoFar.split("/").length - 1 : -1;
      pieces.push({ path: part, name: part.join("."), segment });
      if (inPath) pathSoFar += "x";
      return;
    }
    const own = index === 0 ? part.slice(origin.length) : part;
    const end = own.search(/[?#]/);
    const pathShare = !inPath ? "" : end < 0 ? own : own.slice(0, end);
    pieces.push({ text: part, pathShare });
    pathSoFar += pathShare;
    if (end >= 0) inPath = false;
  });

  return (scope) => {
    let url = "";
    let path = "";
    for (const piece of pieces) {
      if ("text" in piece) {
        url += piece.text;
        path += piece.pathShare;
        continue;
      }
      const value = encodeURIComponent(valueAt(scope, piece.path));
      url += value;
      if (piece.segment >= 0) path += value;
    }
    const segments = path.split("/");
    for (const piece of pieces) {
      if ("text" in piece || piece.segment < 0) continue;
      const text = segments[piece.segment] ?? "";
      if (DOT_SEGMENT.test(text)) {
        throw new TemplateValueError(
          `placeholder {${piece.name}} makes the path segment "${text}", which URL parsing reads as "${text.replace(/%2e/gi, ".")}" and would send the call to another path`,
        );
      }
    }
    // A last guard, should a value ever slip past the rules above.
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TemplateValueError("the placeholders' values make an invalid URL");
    }
    if (parsed.origin !== staticOrigin || !parsed.pathname.startsWith(pathPrefix)) {
      throw new TemplateValueError("the placeholders' values would change the URL's host or path");
    }
    return url;
  };
}

/** Problems with a URL template, for config validation; undefined when it compiles. */
export function urlTemplateProblem(template: string): string | undefined {
  return problemOf(() => compileUrlTemplate(template));
}
