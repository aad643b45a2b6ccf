import type { Logger } from "pino";
import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, kindForStatus, type HttpAnswer } from "../http-errors.js";
import { RotatingTokens } from "../oauth/rotating-tokens.js";
import type { Adapter, Delivery } from "../port.js";
import { renderOrReject } from "../render-template.js";
import { excerpt, Scrubber } from "../scrub.js";
import { compileUrlTemplate } from "../url-template.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import type { TokenStore } from "../../contracts/token-store.js";
import type { TrackTikDestination } from "./schema.js";

/** TrackTik blocks an IP for 2 hours after 40 failed logins in 2 minutes: a refused login is not retried for this long. */
const REFUSED_LOGIN_COOLDOWN_MS = 5 * 60_000;

/**
 * Sends the mapped payload as the JSON body of `method baseUrl+path` (create: POST to the
 * collection; update: PUT/PATCH to `/{id}`), with a bearer token from TrackTik's OAuth2 endpoint.
 * A 401 renews the token once (one refresh across the processes on the state store: TrackTik's
 * refresh tokens are single-use) and repeats the call.
 */
export function createTrackTikAdapter(id: string, config: TrackTikDestination, deps: { logger: Logger; tokens: TokenStore }): Adapter {
  const label = `tracktik destination "${id}"`;
  const scrubber = new Scrubber([config.clientSecret, config.password, config.refreshToken]);
  const url = compileUrlTemplate(`${config.baseUrl}${config.path}`);
  const tokens = new RotatingTokens(
    {
      tokenUrl: config.tokenUrl ?? `${config.baseUrl}/rest/oauth2/access_token`,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      clientAuth: "body",
      configuredRefreshToken: config.refreshToken,
      login:
        config.username && config.password
          ? { grant_type: "password", username: config.username, password: config.password }
          : config.refreshToken
            ? undefined
            : { grant_type: "client_credentials" },
      storeKey: `tracktik:${id}:refresh`,
      accessKey: `tracktik:${id}:access`,
      refusedHint:
        "Check clientId/clientSecret and the service employee's username and password in TrackTik (40 failed logins in 2 minutes block the IP for 2 hours)",
      refusalCooldownMs: REFUSED_LOGIN_COOLDOWN_MS,
    },
    deps.tokens,
    scrubber,
    deps.logger,
  );

  return {
    kind: "tracktik",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const target = renderOrReject(url, { event: delivery.event, payload: delivery.payload }, label);
      const context: CallContext = {
        signal: delivery.signal,
        timeoutMs: config.timeoutMs,
        gate: delivery.gate,
        target: `${label} (${describeCall(config.method, target)})`,
      };
      const body = delivery.payloadJson ?? JSON.stringify(delivery.payload ?? {});
      const send = async () => {
        const token = await tokens.accessToken(context);
        const headers = { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" };
        return { answer: await callHttp({ method: config.method, url: target, headers, body }, context), token };
      };
      let { answer, token } = await send();
      for (let retry = 0; answer.status === 401 && (retry === 0 || (retry === 1 && tokens.fromAnotherProcess(token))); retry += 1) {
        deps.logger.info("tracktik refused the access token; renewing it and repeating the call once");
        tokens.invalidate(token);
        ({ answer, token } = await send());
      }
      if (answer.status >= 200 && answer.status < 300) return receipt(answer);
      throw errorFromAnswer(answer, { target: context.target, scrubber, detail: describeTrackTikError(answer, scrubber) });
    },
  };
}

/** TrackTik wraps a resource in `data`; the id is the record's. */
function receipt(answer: HttpAnswer): DeliveryReceipt {
  const reply = parseJson(answer.text) as { data?: { id?: unknown }; id?: unknown } | undefined;
  const id = reply?.data?.id ?? reply?.id;
  return typeof id === "string" || typeof id === "number" ? { status: answer.status, targetId: String(id) } : { status: answer.status };
}

/**
 * The body's message and field errors; a 403 from the AWS load balancer (`Server: awselb/2.0`) is
 * TrackTik's firewall, not a permission, which the operator fixes elsewhere.
 */
function describeTrackTikError(answer: HttpAnswer, scrubber: Scrubber): string {
  const text = excerpt(answer.text, scrubber);
  if (answer.status === 403 && /awselb/i.test(answer.headers.get("server") ?? "")) {
    return `refused by TrackTik's firewall (Server: awselb/2.0), not by a permission: ask TrackTik to allow the router's IP address — ${text}`;
  }
  if (kindForStatus(answer.status) === "transient" && answer.status === 504) return `TrackTik gave up after 30 s (504): ${text}`;
  return text;
}
