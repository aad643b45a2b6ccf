/**
 * Five-field cron (`minute hour day-of-month month day-of-week`) with lists, ranges and steps,
 * read in an IANA time zone. Small on purpose: the polls need "when is the next run", nothing of
 * seconds, `L`, `W` or `#`. As in Vixie cron, when both day fields are restricted a day matching
 * either one runs.
 */
export interface Cron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly anyDay: boolean;
  readonly anyWeekday: boolean;
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export class CronError extends Error {}

export function parseCron(text: string): Cron {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`expected 5 fields (minute hour day month weekday), got ${parts.length}`);
  const sets = parts.map((part, index) => parseField(part, index));
  const weekdays = new Set([...sets[4]!].map((day) => day % 7));
  return {
    minutes: sets[0]!,
    hours: sets[1]!,
    days: sets[2]!,
    months: sets[3]!,
    weekdays,
    anyDay: parts[2] === "*" || parts[2] === "?",
    anyWeekday: parts[4] === "*" || parts[4] === "?",
  };
}

/** The problem with a cron expression, for config validation; undefined when it is fine. */
export function cronProblem(text: string): string | undefined {
  try {
    parseCron(text);
    return undefined;
  } catch (error) {
    return `cron "${text}": ${(error as Error).message}`;
  }
}

function parseField(text: string, index: number): Set<number> {
  const field = FIELDS[index]!;
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const [range = "", stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`${field.name}: bad step "${stepText}"`);
    let from: number;
    let to: number;
    if (range === "*" || range === "?") {
      from = field.min;
      to = index === 4 ? 6 : field.max;
    } else {
      const [a = "", b] = range.split("-");
      from = value(a, index);
      to = b === undefined ? (stepText === undefined ? from : field.max) : value(b, index);
    }
    if (from > to) throw new CronError(`${field.name}: range ${range} runs backwards`);
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

function value(text: string, index: number): number {
  const field = FIELDS[index]!;
  const names = index === 3 ? MONTHS : index === 4 ? WEEKDAYS : undefined;
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + (index === 3 ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) throw new CronError(`${field.name}: "${text}" is not in ${field.min}-${field.max}`);
  return n;
}

interface WallClock {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(ms: number, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? "").toLowerCase().slice(0, 3)),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/**
 * The first whole minute strictly after `afterMs` that the expression names, read on the wall
 * clock of `timeZone` (a minute skipped by a DST jump does not run; one repeated runs twice).
 * Undefined when none comes within ~5 years (`0 0 30 2 *`).
 */
export function nextCronTime(cron: Cron, afterMs: number, timeZone = "UTC"): number | undefined {
  let at = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const limit = afterMs + 5 * 366 * 86_400_000;
  while (at <= limit) {
    const wall = wallClock(at, timeZone);
    const dayMatches =
      cron.anyDay && cron.anyWeekday
        ? true
        : cron.anyDay
          ? cron.weekdays.has(wall.weekday)
          : cron.anyWeekday
            ? cron.days.has(wall.day)
            : cron.days.has(wall.day) || cron.weekdays.has(wall.weekday);
    if (!cron.months.has(wall.month) || !dayMatches) {
      // Skip to the next wall-clock midnight (zone offsets move in whole minutes).
      at += ((23 - wall.hour) * 60 + (60 - wall.minute)) * 60_000;
      continue;
    }
    if (!cron.hours.has(wall.hour)) {
      at += (60 - wall.minute) * 60_000;
      continue;
    }
    if (cron.minutes.has(wall.minute)) return at;
    at += 60_000;
  }
  return undefined;
}
