import type { Logger } from "pino";
import { callHttp, describeCall, jsonReceipt, type CallContext } from "../http-call.js";
import { errorFromAnswer } from "../http-errors.js";
import { idempotencyKeyFor } from "../idempotency-key.js";
import { OriginPools } from "../origin-pools.js";
import type { Adapter, CallGate, Delivery } from "../port.js";
import type { DeliveryReceipt } from "../../contracts/outcome.js";
import { Scrubber } from "../scrub.js";
import { renderOrReject } from "../render-template.js";
import { compileUrlTemplate } from "../url-template.js";
import { createAuth } from "./auth.js";
import type { HttpDestination } from "./schema.js";

const SENSITIVE_HEADER = /auth|key|token|secret|signature|password|cookie/i;

/**
 * Sends the mapped payload as a JSON body to a templated URL. The event id goes in the
 * idempotency header (hashed when it is not header-safe, see idempotencyKeyFor); with OAuth2, a 401 renews the token once and repeats the call.
 */
export function createHttpAdapter(id: string, config: HttpDestination, logger: Logger): Adapter {
  // Static headers sometimes carry an API key instead of `auth`; keep those out of messages too.
  const scrubber = new Scrubber(
    Object.entries(config.headers)
      .filter(([name]) => SENSITIVE_HEADER.test(name))
      .map(([, value]) => value),
  );
  const auth = createAuth(config.auth, scrubber);
  const url = compileUrlTemplate(config.url);
  const staticHeaders = Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const label = `http destination "${id}"`;
  const pools = new OriginPools();

  return {
    kind: "http",
    async deliver(delivery: Delivery): Promise<DeliveryReceipt> {
      const target = renderOrReject(url, { event: delivery.event, payload: delivery.payload }, label);
      const context = new DeliveryContext(delivery.signal, config.timeoutMs, label, config.method, target, delivery.gate);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json, */*;q=0.5",
        ...staticHeaders,
      };
      if (config.idempotencyHeader !== false) headers[config.idempotencyHeader.toLowerCase()] = idempotencyKeyFor(delivery.eventId);
      const body = delivery.payloadJson ?? (delivery.payload === undefined ? undefined : JSON.stringify(delivery.payload));

      const send = async () => {
        const credentials = await auth.headers(context);
        const answer = await callHttp(
          { method: config.method, url: target, headers: { ...headers, ...credentials }, ...(body === undefined ? {} : { body }) },
          context,
          pools,
        );
        return { answer, credentials };
      };
      let { answer, credentials } = await send();
      if (answer.status === 401 && auth.renew(credentials)) {
        logger.info("target refused the access token; fetching a new one and repeating once");
        ({ answer } = await send());
      }
      if (answer.status >= 200 && answer.status < 300) return jsonReceipt(answer.status, answer.text);
      throw errorFromAnswer(answer, { target: context.target, scrubber });
    },
    close: () => pools.close(),
  };
}

/**
 * A CallContext whose `target` (a URL parse) is only built when a message needs it. The getter
 * lives on the prototype: copy fields by name, a spread would lose it.
 */
class DeliveryContext implements CallContext {
  constructor(
    readonly signal: AbortSignal,
    readonly timeoutMs: number,
    private readonly label: string,
    private readonly method: string,
    private readonly url: string,
    readonly gate: CallGate | undefined,
  ) {}

  get target(): string {
    return `${this.label} (${describeCall(this.method, this.url)})`;
  }
}
