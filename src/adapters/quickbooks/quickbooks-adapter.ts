import type { Logger } from "pino";
import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, kindForStatus, type HttpAnswer } from "../http-errors.js";
import { parsePayload } from "../payload.js";
import type { Adapter, Delivery, DeliveryErrorKind } from "../port.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { Scrubber } from "../scrub.js";
import type { TokenStore } from "../../contracts/token-store.js";
import { tokenExpiryKey } from "../../contracts/token-expiry.js";
import { describeFault, isExpiredToken, kindForFault, member, readFault } from "./fault.js";
import { quickbooksPayloadSchema } from "./payload.js";
import { requestIdFor } from "./request-id.js";
import { RotatingTokens } from "../oauth/rotating-tokens.js";
import type { QuickBooksDestination } from "./schema.js";

/** Intuit's advice on 429: wait a minute (500 requests/min per realm). */
const THROTTLE_WAIT_MS = 60_000;

/**
 * Creates a QuickBooks Online entity per event. The `requestid` is derived from route and event
 * ids, so a retry (even after a token refresh) replays the original answer instead of creating
 * a second invoice.
 */
export function createQuickBooksAdapter(id: string, config: QuickBooksDestination, deps: { logger: Logger; tokens: TokenStore }): Adapter {
  const label = `quickbooks destination "${id}"`;
  const scrubber = new Scrubber();
  const tokens = new RotatingTokens(
    {
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      configuredRefreshToken: config.refreshToken,
      storeKey: `quickbooks:${id}:refresh`,
      accessKey: `quickbooks:${id}:access`,
      expiryKey: tokenExpiryKey(id),
    },
    deps.tokens,
    scrubber,
    deps.logger,
  );

  return {
    kind: "quickbooks",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const { entity, body } = parsePayload(quickbooksPayloadSchema, delivery.payload, label);
      const requestId = requestIdFor(delivery.routeId, delivery.eventId);
      const query = new URLSearchParams({ minorversion: String(config.minorVersion), requestid: requestId });
      const url = `${config.baseUrl}/v3/company/${config.realmId}/${entity}?${query}`;
      const context: CallContext = {
        signal: delivery.signal,
        timeoutMs: config.timeoutMs,
        gate: delivery.gate,
        target: `${label} (${describeCall("POST", url)})`,
      };

      const send = async () => {
        const token = await tokens.accessToken(context);
        const headers = { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" };
        const answer = await callHttp({ method: "POST", url, headers, body: JSON.stringify(body) }, context);
        deps.logger.debug({ status: answer.status, intuitTid: answer.headers.get("intuit_tid"), requestId }, "quickbooks answered");
        return { answer, token };
      };
      let { answer, token } = await send();
      // Once more with a new token; and again if that one was another process's and refused too.
      for (let retry = 0; tokenExpired(answer) && (retry === 0 || (retry === 1 && tokens.fromAnotherProcess(token))); retry += 1) {
        tokens.invalidate(token);
        ({ answer, token } = await send());
      }

      const reply = parseJson(answer.text);
      const fault = readFault(reply);
      if (answer.status >= 200 && answer.status < 300 && !fault) {
        const created = member(reply, entity);
        const targetId = member(created, "id");
        const known = typeof targetId === "string" || typeof targetId === "number";
        return { status: answer.status, ...(known ? { targetId: String(targetId) } : {}) };
      }
      throw errorFromAnswer(answer, {
        target: context.target,
        scrubber,
        kind: kindOf(answer, fault),
        defaultRetryAfterMs: THROTTLE_WAIT_MS,
        ...(fault ? { detail: describeFault(fault, scrubber) } : {}),
      });
    },
  };
}

function tokenExpired(answer: HttpAnswer): boolean {
  if (answer.status === 401) return true;
  const fault = readFault(parseJson(answer.text));
  return fault !== undefined && isExpiredToken(fault);
}

/** A throttle or outage status decides; otherwise the Fault type (a 200 may carry one). */
function kindOf(answer: HttpAnswer, fault: ReturnType<typeof readFault>): DeliveryErrorKind {
  const ok = answer.status >= 200 && answer.status < 300;
  const byStatus = ok ? "permanent" : kindForStatus(answer.status);
  if (byStatus === "transient" || !fault) return byStatus;
  if (isExpiredToken(fault)) return "credentials";
  return kindForFault(fault) ?? byStatus;
}
