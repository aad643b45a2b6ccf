import type { Logger } from "pino";
import type { CallContext } from "../http-call.js";
import { parsePayload } from "../payload.js";
import { DeliveryError, type Adapter, type Delivery } from "../port.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { Scrubber } from "../scrub.js";
import type { OdooClient } from "./client.js";
import { Json2Client } from "./json2-client.js";
import { JsonRpcClient } from "./jsonrpc-client.js";
import { odooPayloadSchema, type OdooPayload } from "./payload.js";
import type { OdooDestination } from "./schema.js";

// States from which `action_confirm` still applies (sale.order: quotation, quotation sent).
const UNCONFIRMED = new Set(["draft", "sent"]);

/**
 * Creates (or finds, or updates) one Odoo record per event. Odoo has no idempotency key, so
 * every delivery first searches by the payload's external reference: a retry after a lost
 * answer finds the record instead of creating a second one, and a confirm that failed last
 * time is completed.
 */
export function createOdooAdapter(id: string, config: OdooDestination, logger: Logger): Adapter {
  const label = `odoo destination "${id}"`;
  const scrubber = new Scrubber([config.apiKey]);
  const client: OdooClient =
    config.api === "json2"
      ? new Json2Client({ url: config.url, database: config.database, apiKey: config.apiKey, label }, scrubber)
      : new JsonRpcClient({ url: config.url, database: config.database ?? "", login: config.login ?? "", apiKey: config.apiKey, label }, scrubber);

  return {
    kind: "odoo",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const payload = parsePayload(odooPayloadSchema, delivery.payload, label);
      const values = withReference(payload, label);
      const call: CallContext = { signal: delivery.signal, timeoutMs: config.timeoutMs, target: label, gate: delivery.gate };
      const { model, reference, confirm } = payload;

      const [existing] = await client.searchRead(
        model,
        [[reference.field, "=", reference.value]],
        // Archived records count too: re-creating an archived order would duplicate it.
        { fields: confirm ? ["id", "state"] : ["id"], limit: 1, context: { active_test: false } },
        call,
      );
      const existingId = typeof existing?.id === "number" ? existing.id : undefined;
      if (existingId !== undefined) {
        if (payload.onExisting === "update") await client.write(model, [existingId], values, call);
        if (confirm && typeof existing?.state === "string" && UNCONFIRMED.has(existing.state)) {
          await client.callMethod(model, "action_confirm", [existingId], call);
        }
        logger.debug({ model, targetId: existingId, onExisting: payload.onExisting }, "odoo record already exists");
        return { targetId: String(existingId), alreadyDone: true, response: { id: existingId, model, alreadyDone: true } };
      }

      const created = await client.create(model, values, call);
      if (confirm) await client.callMethod(model, "action_confirm", [created], call);
      logger.debug({ model, targetId: created }, "odoo record created");
      // `response`: what a sync route's response mapping reads (the record, and whether it was new).
      return { targetId: String(created), response: { id: created, model, alreadyDone: false } };
    },
  };
}

/**
 * The values to write, with the reference field set: without it, the next search would not find
 * this record and a retry would duplicate it.
 */
function withReference(payload: OdooPayload, label: string): Record<string, unknown> {
  const { field, value } = payload.reference;
  const given = payload.values[field];
  if (given !== undefined && given !== value) {
    throw new DeliveryError(
      "permanent",
      `${label}: values.${field} (${JSON.stringify(given)}) differs from reference.value (${JSON.stringify(value)}), so a retry could not find the record — permanent, fix the route's mapping`,
    );
  }
  return { ...payload.values, [field]: value };
}
