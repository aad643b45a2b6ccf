import type { Logger } from "pino";
import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer } from "../http-errors.js";
import { RotatingTokens } from "../oauth/rotating-tokens.js";
import { parsePayload } from "../payload.js";
import { DeliveryError, type Adapter, type Delivery } from "../port.js";
import { Scrubber } from "../scrub.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import type { TokenStore } from "../../contracts/token-store.js";
import { tokenExpiryKey } from "../../contracts/token-expiry.js";
import { trackviaPayloadSchema } from "./payload.js";
import type { TrackViaDestination } from "./schema.js";
import { describeTrackViaError, isTokenRefusal } from "./trackvia-errors.js";

/**
 * Creates (POST) or updates (PUT, when the payload names a `recordId`) one TrackVia record per
 * event through `/openapi/views/{viewId}/records`, body `{"data":[{…}]}`. On a 401 ("Access token
 * expired") the access token is refreshed once — one refresh across every process sharing the
 * state store — and the call repeated; a refused refresh is a `credentials` failure.
 *
 * TrackVia has no idempotency key: an update repeats harmlessly, but a create whose answer was
 * lost creates a second record on retry (see the README).
 */
export function createTrackViaAdapter(id: string, config: TrackViaDestination, deps: { logger: Logger; tokens: TokenStore }): Adapter {
  const label = `trackvia destination "${id}"`;
  const scrubber = new Scrubber([config.userKey, config.password, config.refreshToken]);
  const userKey = new URLSearchParams({ user_key: config.userKey }).toString();
  const tokens = new RotatingTokens(
    {
      tokenUrl: `${config.tokenUrl ?? `${config.baseUrl}/oauth/token`}?${userKey}`,
      clientId: config.clientId,
      clientAuth: "none",
      configuredRefreshToken: config.refreshToken,
      login: config.username && config.password ? { grant_type: "password", username: config.username, password: config.password } : undefined,
      storeKey: `trackvia:${id}:refresh`,
      accessKey: `trackvia:${id}:access`,
      expiryKey: tokenExpiryKey(id),
      refusedHint: "Log in to TrackVia as the API user, get a new refresh token and set refreshToken (or configure username and password)",
    },
    deps.tokens,
    scrubber,
    deps.logger,
  );

  return {
    kind: "trackvia",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const record = parsePayload(trackviaPayloadSchema, delivery.payload, label);
      const viewId = record.viewId ?? config.viewId;
      if (viewId === undefined) {
        throw new DeliveryError(
          "permanent",
          `${label}: no viewId in the destination or the mapping's output — permanent, fix the route's mapping, then replay the dead-lettered event`,
        );
      }
      const path = `/openapi/views/${viewId}/records${record.recordId === undefined ? "" : `/${record.recordId}`}`;
      const method = record.recordId === undefined ? "POST" : "PUT";
      const url = `${config.baseUrl}${path}?${userKey}`;
      const context: CallContext = {
        signal: delivery.signal,
        timeoutMs: config.timeoutMs,
        gate: delivery.gate,
        target: `${label} (${describeCall(method, url)})`,
      };
      const body = JSON.stringify({ data: [record.data] });

      const send = async () => {
        const token = await tokens.accessToken(context);
        const headers = { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" };
        return { answer: await callHttp({ method, url, headers, body }, context), token };
      };
      let { answer, token } = await send();
      // Once more with a new token; and again if that one was another process's and refused too.
      for (let retry = 0; isTokenRefusal(answer) && (retry === 0 || (retry === 1 && tokens.fromAnotherProcess(token))); retry += 1) {
        deps.logger.info({ status: answer.status }, "trackvia refused the access token; refreshing it and repeating the call once");
        tokens.invalidate(token);
        ({ answer, token } = await send());
      }
      if (answer.status >= 200 && answer.status < 300) {
        const reply = parseJson(answer.text) as { data?: Array<{ id?: unknown }> } | undefined;
        const recordId = Array.isArray(reply?.data) ? reply.data[0]?.id : undefined;
        const known = typeof recordId === "string" || typeof recordId === "number";
        return { status: answer.status, ...(known ? { targetId: String(recordId) } : {}) };
      }
      const detail = describeTrackViaError(answer, scrubber);
      throw errorFromAnswer(answer, { target: context.target, scrubber, ...(detail ? { detail } : {}) });
    },
  };
}
