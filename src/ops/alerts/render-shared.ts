import type { AlertBatch } from "./alert-batch.js";
import type { AlertCommands } from "./commands.js";

export const SUBJECT_PREFIX = "[webhook-router]";
// A target's error body can be long; the dead-letter headers and `dlq list` keep the full text.
const MAX_ERROR_CHARS = 1000;

/** What every renderer needs besides the batch. */
export interface RenderContext {
  readonly commands: AlertCommands;
  /** The digest window, to tell the reader when the next email can come. */
  readonly windowMs: number;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** UTC, to the second: the same in every operator's mail client and in the logs. */
export function time(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/** "at T" for one alert, "between T1 and T2" for a digest. */
export function span(batch: AlertBatch): string {
  return batch.firstAt.getTime() === batch.lastAt.getTime()
    ? `at ${time(batch.firstAt)}`
    : `between ${time(batch.firstAt)} and ${time(batch.lastAt)}`;
}

export function errorBlock(error: string): string {
  const clipped = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
  return indent(clipped.trim() === "" ? "(no message)" : clipped, 4);
}

export function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split(/\r?\n/)
    .map((line) => pad + line)
    .join("\n");
}

/** `exhausted 35, permanent 2`, largest first. */
export function reasonList(reasons: ReadonlyMap<string, number>, describe: (reason: string) => string = (r) => r): string {
  return [...reasons]
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `${describe(reason)} ${count}`)
    .join(", ");
}

/** The listed event ids, and how many more there are. */
export function idLines(batch: AlertBatch): string {
  const lines = batch.eventIds.map((id) => `    ${id}`);
  const more = batch.events - batch.eventIds.length;
  if (more > 0) lines.push(`    … and ${more} more`);
  return lines.join("\n");
}

/** Aligned `Label:  value` lines, skipping absent values. */
export function facts(rows: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  const present = rows.filter((row): row is readonly [string, string | number] => row[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 2;
  return present.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`).join("\n");
}

export function footer(batch: AlertBatch, context: RenderContext): string {
  const window = duration(context.windowMs);
  const lead = batch.digest
    ? `This is a digest of the alerts that followed the last email on this ${noun(batch)}.`
    : `Further alerts like this one are collected into at most one digest every ${window}.`;
  return `--\n${lead}\nSent by webhook-router. Routes, destinations and events are named by id; credentials are never included.`;
}

function noun(batch: AlertBatch): string {
  if (batch.last.kind === "verification_failures" || batch.last.kind === "poll_failed") return "source";
  if (batch.last.kind === "token_expiring") return "destination";
  if (batch.last.kind === "broker_refused" && batch.last.side === "workers") return "worker process";
  if (batch.last.kind === "spooling" || batch.last.kind === "broker_refused" || batch.last.kind === "spool_recovered") return "ingress";
  return "route";
}
