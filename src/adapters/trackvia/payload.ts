import { z } from "zod";
import { numericId } from "../platform-fields.js";

/**
 * What a TrackVia route's mapping must produce: the record's field values by field name, and the
 * record id to update one (absent: a new record is created). `viewId` overrides the destination's.
 */
export const trackviaPayloadSchema = z.object({
  viewId: numericId.optional(),
  recordId: numericId.optional(),
  data: z.record(z.string(), z.unknown()),
});

export type TrackViaPayload = z.output<typeof trackviaPayloadSchema>;
