/** How a source's sender writes its time. @defaultValue "rfc3339" */
export type TimeFormat = "rfc3339" | "unix-seconds" | "unix-ms";

/** The sender's time as the CloudEvent's `time` (UTC, milliseconds), or why it cannot be used. */
export type TimeReading = { readonly time: string; readonly problem?: undefined } | { readonly time?: undefined; readonly problem: string };

// date-time of RFC 3339 §5.6: `T` (or `t`) between date and time, `Z` or a ±hh:mm offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const UNSIGNED = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** What a CloudEvent `time` (RFC 3339, four-digit years) can say. */
const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Reads a sender's time strictly. `Date.parse` takes almost anything (`"0"` became 2000-01-01,
 * `+275760-09-13` was passed on), so an RFC 3339 time must be exactly that, with every field in
 * range; unix seconds or milliseconds only where the source says its sender writes them.
 */
export function readSenderTime(value: string, format: TimeFormat): TimeReading {
  const ms = format === "rfc3339" ? rfc3339(value) : unix(value, format === "unix-seconds" ? 1000 : 1);
  if (ms === undefined)
    return { problem: `not ${format === "rfc3339" ? "RFC 3339" : format === "unix-seconds" ? "unix seconds" : "unix milliseconds"}` };
  if (ms < EARLIEST || ms > LATEST) return { problem: "out of range (years 0000–9999)" };
  return { time: new Date(ms).toISOString() };
}

function rfc3339(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // 60 is a leap second (RFC 3339 §5.7); Date cannot hold it, so it rolls into the next second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  const fraction = match[7];
  date.setUTCHours(hour, minute, second, fraction === undefined ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3)));
  const offset = (match[8] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return date.getTime() - offset;
}

function unix(value: string, msPerUnit: number): number | undefined {
  if (!UNSIGNED.test(value)) return undefined;
  const ms = Math.round(Number(value) * msPerUnit);
  return Number.isFinite(ms) ? ms : undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
