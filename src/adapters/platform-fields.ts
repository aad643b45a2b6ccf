import { z } from "zod";

/** A numeric id (TrackVia view and record ids): a YAML number or a quoted string of digits. */
export const numericId = z
  .union([z.string().regex(/^\d+$/, "expected a numeric id"), z.number().int().nonnegative()])
  .transform((value) => String(value));

/** A moment written ISO 8601 with its offset, e.g. `2027-03-01T00:00:00Z`: when a token expires. */
export const isoDateTime = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString() : value))
  .pipe(z.iso.datetime({ offset: true, message: "expected an ISO 8601 date-time such as 2027-03-01T00:00:00Z" }));
