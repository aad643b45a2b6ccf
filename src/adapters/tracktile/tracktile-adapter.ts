import type { Logger } from "pino";
import { callHttp, describeCall, jsonReceipt, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, type HttpAnswer } from "../http-errors.js";
import { idempotencyKeyFor } from "../idempotency-key.js";
import type { Adapter, Delivery } from "../port.js";
import { renderOrReject } from "../render-template.js";
import { Scrubber } from "../scrub.js";
import { compileUrlTemplate } from "../url-template.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { tracktileUrl, type TrackTileDestination } from "./schema.js";

/**
 * Calls Tracktile's API (`PUT /customers/{id}`, `POST /orders`…) with the mapped payload as the
 * JSON body. Errors come as `{"status":…,"message":"…"}`: the message goes in the failure; 401/403
 * are credentials (tokens expire or are revoked), other 4xx permanent, 408/429/5xx retried.
 */
export function createTrackTileAdapter(id: string, config: TrackTileDestination, logger: Logger): Adapter {
  const label = `tracktile destination "${id}"`;
  const token = config.token ?? config.auth?.token ?? "";
  const scrubber = new Scrubber([token]);
  const url = compileUrlTemplate(tracktileUrl(config));
  const staticHeaders = Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name.toLowerCase(), value]));

  return {
    kind: "tracktile",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const target = renderOrReject(url, { event: delivery.event, payload: delivery.payload }, label);
      const context: CallContext = {
        signal: delivery.signal,
        timeoutMs: config.timeoutMs,
        gate: delivery.gate,
        target: `${label} (${describeCall(config.method, target)})`,
      };
      const headers: Record<string, string> = {
        accept: "application/json",
        "content-type": "application/json",
        ...staticHeaders,
        authorization: `Bearer ${token}`,
      };
      if (config.idempotencyHeader !== false) headers[config.idempotencyHeader.toLowerCase()] = idempotencyKeyFor(delivery.eventId);
      const body = delivery.payloadJson ?? (delivery.payload === undefined ? undefined : JSON.stringify(delivery.payload));
      const answer = await callHttp({ method: config.method, url: target, headers, ...(body === undefined ? {} : { body }) }, context);
      logger.debug({ status: answer.status }, "tracktile answered");
      if (answer.status >= 200 && answer.status < 300) return jsonReceipt(answer.status, answer.text);
      const message = tracktileMessage(answer, scrubber);
      throw errorFromAnswer(answer, { target: context.target, scrubber, ...(message ? { detail: message } : {}) });
    },
  };
}

/** `{"status":404,"message":"Customer not found"}` → `Customer not found`; undefined for another shape. */
function tracktileMessage(answer: HttpAnswer, scrubber: Scrubber): string | undefined {
  const body = parseJson(answer.text) as { message?: unknown } | undefined;
  return typeof body?.message === "string" && body.message.trim() !== ""
    ? scrubber.scrub(body.message).replace(/\s+/g, " ").slice(0, 400)
    : undefined;
}
