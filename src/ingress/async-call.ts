import type { IncomingHttpHeaders } from "node:http";
import { SinkUnavailableError } from "../contracts/event-sink.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import type { SyncCaller } from "../contracts/sync-call.js";
import type { ApiEndpointConfig } from "../config/source-schema.js";
import { CALLBACK_URL_REQUEST_HEADER, callbackUrlOf } from "./callback-url.js";
import { HttpError } from "./http-error.js";
import type { CallAnswer } from "./sync-call.js";
import { unavailable, type Refusal } from "./webhook-core.js";

/**
 * Runs one verified asynchronous call: its callback URL checked, the event confirmed in its route's
 * queue with that URL, and `202 {id}` at once. The worker runs the route and POSTs the result.
 */
export async function runAsyncCall(
  caller: SyncCaller,
  api: ApiEndpointConfig,
  event: NormalizedEvent,
  headers: IncomingHttpHeaders,
): Promise<CallAnswer | Refusal> {
  if (!api.callback) throw new Error("an async endpoint without a callback");
  const url = await callbackUrlOf(api.callback, headers[CALLBACK_URL_REQUEST_HEADER]);
  if (url instanceof HttpError) return { ok: false, error: url, event, cause: undefined };
  try {
    await caller.send(api.route, event, url);
  } catch (error) {
    if (error instanceof SinkUnavailableError) return unavailable(error, event);
    return { ok: false, error: new HttpError("internal", "internal error"), event, cause: error };
  }
  return { ok: true, status: 202, body: JSON.stringify({ id: event.id }), replayed: false, reason: "accepted" };
}
