/**
 * The one way the console makes elements. Text goes in as text nodes and attributes through
 * setAttribute, never as markup: there is no innerHTML anywhere, so a value from an event (ids,
 * errors, payloads — all chosen by whoever sent the webhook) cannot become an element or a script.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
type Listener = (event: Event) => void;
export type Attributes = Record<string, string | number | boolean | null | undefined | Listener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value === "function") {
      if (!name.startsWith("on")) throw new Error(`listener for ${name} must be named on<event>`);
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name.toLowerCase().startsWith("on")) {
      throw new Error(`refusing inline handler attribute ${name}`);
    } else if (value === true) element.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) {
      const text = String(value);
      if ((name === "href" || name === "src" || name === "action") && !isOwnPath(text)) throw new Error(`refusing ${name}=${text.slice(0, 40)}`);
      element.setAttribute(name, text);
    }
  }
  append(element, children);
  return element;
}

/** Links only ever point into this console: `/…` (not `//host`), `?…` or `#…`. */
function isOwnPath(value: string): boolean {
  return (value.startsWith("/") && !value.startsWith("//")) || value.startsWith("?") || value.startsWith("#");
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}
