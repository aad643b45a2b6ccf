import { z } from "zod";

/** What a QuickBooks route's mapping must produce: the entity to create and its JSON body. */
export const quickbooksPayloadSchema = z.object({
  /** The resource name in the URL: `invoice`, `customer`, `salesreceipt`, `payment`… */
  entity: z
    .string()
    .regex(/^[A-Za-z]+$/, "expected a QuickBooks entity name like invoice")
    .transform((name) => name.toLowerCase()),
  body: z.record(z.string(), z.unknown()),
});

export type QuickBooksPayload = z.output<typeof quickbooksPayloadSchema>;
