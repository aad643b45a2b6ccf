import { z } from "zod";

/**
 * What an Odoo route's mapping must produce. Odoo has no idempotency key, so the record is found
 * by an external reference (e.g. `client_order_ref`) before anything is created.
 */
export const odooPayloadSchema = z.object({
  /** e.g. `sale.order`, `res.partner`. */
  model: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, "expected an Odoo model name like sale.order"),
  reference: z.object({
    field: z.string().regex(/^[a-z0-9_]+$/, "expected a field name like client_order_ref"),
    value: z.union([z.string().min(1), z.number()]),
  }),
  values: z.record(z.string(), z.unknown()),
  /** What to do when a record with the reference exists: leave it, or `write` the values. */
  onExisting: z.enum(["skip", "update"]).default("skip"),
  /** Call `action_confirm` on the record (a quotation becomes a sales order). */
  confirm: z.boolean().default(false),
});

export type OdooPayload = z.output<typeof odooPayloadSchema>;
