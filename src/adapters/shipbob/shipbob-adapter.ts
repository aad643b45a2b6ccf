import type { Logger } from "pino";
import { z } from "zod";
import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer } from "../http-errors.js";
import { parsePayload } from "../payload.js";
import type { Adapter, Delivery } from "../port.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { Scrubber } from "../scrub.js";
import type { ShipBobDestination } from "./schema.js";

/** The order body as the mapping builds it; only `reference_id` is checked here, ShipBob checks the rest. */
const orderPayloadSchema = z.looseObject({ reference_id: z.string().min(1) });

// ShipBob documents 422 as "Duplicate reference ID". A 422 that says something else is a
// rejected order, so the body must say so before we call it a success.
const DUPLICATE_REFERENCE = /duplicate[\s_-]*reference[\s_-]*id|reference[\s_-]*id[^.]{0,40}(already exists|duplicate)/i;

/**
 * Creates a ShipBob order per event. `reference_id` is unique per account, so a retry after a
 * lost answer gets 422 "Duplicate reference ID": the order exists, and the delivery is done.
 */
export function createShipBobAdapter(id: string, config: ShipBobDestination, logger: Logger): Adapter {
  const label = `shipbob destination "${id}"`;
  const scrubber = new Scrubber([config.token]);
  const url = `${config.baseUrl}/${config.version}/order`;
  const target = `${label} (${describeCall("POST", url)})`;
  const headers = {
    authorization: `Bearer ${config.token}`,
    shipbob_channel_id: config.channelId,
    "content-type": "application/json",
    accept: "application/json",
  };

  return {
    kind: "shipbob",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const order = parsePayload(orderPayloadSchema, delivery.payload, label);
      const context: CallContext = { signal: delivery.signal, timeoutMs: config.timeoutMs, target, gate: delivery.gate };
      const answer = await callHttp({ method: "POST", url, headers, body: JSON.stringify(order) }, context);
      if (answer.status >= 200 && answer.status < 300) {
        const created = parseJson(answer.text) as { id?: unknown } | undefined;
        const orderId = created?.id;
        const known = typeof orderId === "number" || typeof orderId === "string";
        return { status: answer.status, ...(known ? { targetId: String(orderId) } : {}) };
      }
      if (answer.status === 422 && DUPLICATE_REFERENCE.test(answer.text)) {
        logger.debug({ referenceId: order.reference_id }, "shipbob already has this order");
        return { status: answer.status, alreadyDone: true };
      }
      throw errorFromAnswer(answer, { target, scrubber });
    },
  };
}
