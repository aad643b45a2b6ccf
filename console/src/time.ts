import { h } from "./dom.js";

const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A time in the browser's zone, the UTC value on hover (and for screen readers, in `datetime`). */
export function time(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return "—";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const utc = `${at
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "")} UTC`;
  return h("time", { datetime: at.toISOString(), title: utc }, local.format(at));
}

/** `1.2 s`, `340 ms`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
